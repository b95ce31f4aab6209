// @vitest-environment jsdom
import { act, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { formatCountdown, msUntil, useAtDeadline, useCountdown } from "./countdown.ts";

afterEach(() => vi.useRealTimers());

describe("formatCountdown", () => {
  it("shows minutes and seconds, rounding part of a second up so 0:00 means the time is up", () => {
    expect(formatCountdown(600_000)).toBe("10:00");
    expect(formatCountdown(599_001)).toBe("10:00");
    expect(formatCountdown(599_000)).toBe("9:59");
    expect(formatCountdown(65_000)).toBe("1:05");
    expect(formatCountdown(1)).toBe("0:01");
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown(-5_000)).toBe("0:00");
  });
});

describe("msUntil", () => {
  it("is the time to the deadline, never negative, and zero for no or a broken deadline", () => {
    const now = Date.parse("2030-01-01T10:00:00.000Z");
    expect(msUntil("2030-01-01T10:00:05.500Z", now)).toBe(5_500);
    expect(msUntil("2030-01-01T09:59:00.000Z", now)).toBe(0);
    expect(msUntil(undefined, now)).toBe(0);
    expect(msUntil("soon", now)).toBe(0);
  });
});

describe("useCountdown", () => {
  it("ticks each second down to zero, then says expired and stops", () => {
    vi.useFakeTimers({ now: Date.parse("2030-01-01T10:00:00.000Z") });
    const { result } = renderHook(() => useCountdown("2030-01-01T10:00:02.500Z"));
    expect(formatCountdown(result.current.msLeft)).toBe("0:03");
    expect(result.current.expired).toBe(false);

    act(() => vi.advanceTimersByTime(500));
    expect(formatCountdown(result.current.msLeft)).toBe("0:02");
    act(() => vi.advanceTimersByTime(1_000));
    expect(formatCountdown(result.current.msLeft)).toBe("0:01");
    act(() => vi.advanceTimersByTime(999));
    expect(result.current.expired).toBe(false);
    act(() => vi.advanceTimersByTime(1));
    expect(result.current).toEqual({ msLeft: 0, expired: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("calls back once when the deadline passes, and not for no deadline", () => {
    vi.useFakeTimers({ now: Date.parse("2030-01-01T10:00:00.000Z") });
    const onDeadline = vi.fn();
    renderHook(() => useAtDeadline("2030-01-01T10:00:01.000Z", onDeadline));
    renderHook(() => useAtDeadline(undefined, onDeadline));
    act(() => vi.advanceTimersByTime(999));
    expect(onDeadline).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(5_000));
    expect(onDeadline).toHaveBeenCalledTimes(1);
  });
});
