import { useEffect, useRef, useState } from "react";

/** Milliseconds from now until `deadline` (ISO), never below zero; 0 for a missing or unreadable deadline. */
export function msUntil(deadline: string | undefined, now = Date.now()): number {
  const at = deadline ? Date.parse(deadline) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}

/** "9:59", "0:05": whole seconds rounded up, so "0:00" appears only once the time is really up. */
export function formatCountdown(ms: number): string {
  const seconds = Math.ceil(Math.max(0, ms) / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * The time left until `deadline`, re-rendered as each second turns (the timer is aimed at the next whole second,
 * so the display never lags the clock by almost a second). Stops ticking at zero.
 */
export function useCountdown(deadline: string | undefined): { msLeft: number; expired: boolean } {
  const [now, setNow] = useState(() => Date.now());
  const msLeft = msUntil(deadline, now);
  useEffect(() => {
    if (msLeft <= 0) return;
    const wait = msLeft % 1000 || 1000;
    const timer = setTimeout(() => setNow(Date.now()), wait);
    return () => clearTimeout(timer);
  }, [msLeft]);
  return { msLeft, expired: msLeft <= 0 };
}

/** Calls `onDeadline` once when `deadline` passes (at once if it already has); nothing for no deadline. */
export function useAtDeadline(deadline: string | undefined, onDeadline: () => unknown) {
  const { expired } = useCountdown(deadline);
  const passed = deadline !== undefined && expired;
  const callback = useRef(onDeadline);
  callback.current = onDeadline;
  useEffect(() => {
    if (passed) void callback.current();
  }, [passed]);
}
