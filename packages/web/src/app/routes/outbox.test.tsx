// @vitest-environment jsdom

import { sleep } from "@hotseat/core/util";
import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OUTBOX_POLL_MS } from "../../features/auth/api/get-outbox.ts";
import { json, stubApi } from "../../testing/api-stub.ts";
import { renderWithProviders } from "../../testing/render.tsx";
import { OutboxRoute } from "./outbox.tsx";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  delete window.__HOTSEAT_LOCAL_OUTBOX__;
});

const message = (to: string, code: string, sentAt: string) => ({
  to,
  subject: "Your HotSeat sign-in code",
  text: `Your code is ${code}. It expires in 10 minutes.`,
  sentAt,
});

describe("OutboxRoute", () => {
  it("lists the local outbox's messages with their codes, and picks up new mail by itself", async () => {
    window.__HOTSEAT_LOCAL_OUTBOX__ = "/local/outbox";
    const messages = [message("a@example.com", "111111", "2030-01-01T10:00:00.000Z")];
    const { requests } = stubApi(() => json(200, { messages }));
    renderWithProviders(<OutboxRoute />);

    const first = await screen.findByRole("article", { name: "Your HotSeat sign-in code to a@example.com" });
    expect(within(first).getByTestId("outbox-code").textContent).toBe("111111");
    expect(requests[0]?.path).toBe("/local/outbox");

    messages.unshift(message("b@example.com", "222222", "2030-01-01T10:01:00.000Z"));
    await vi.waitFor(
      () => expect(screen.getAllByTestId("outbox-code").map((c) => c.textContent)).toEqual(["222222", "111111"]),
      {
        timeout: OUTBOX_POLL_MS + 1_000,
      },
    );
  });

  it("says when there is no mail yet", async () => {
    window.__HOTSEAT_LOCAL_OUTBOX__ = "/local/outbox";
    stubApi(() => json(200, { messages: [] }));
    renderWithProviders(<OutboxRoute />);
    expect(await screen.findByText(/No mail yet/)).toBeTruthy();
  });

  it("does not exist outside local mode", async () => {
    const { requests } = stubApi(() => json(200, { messages: [] }));
    renderWithProviders(<OutboxRoute />);
    expect(screen.getByRole("heading", { name: "Page not found" })).toBeTruthy();
    await sleep(50);
    expect(requests).toHaveLength(0);
  });
});
