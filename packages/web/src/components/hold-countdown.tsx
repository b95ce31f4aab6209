import { formatCountdown } from "../lib/countdown.ts";

/** The time a hold has left, as a timer (screen readers read it when asked, not every second). */
export function HoldCountdown({ msLeft, label = "Time left to pay" }: { msLeft: number; label?: string }) {
  const urgent = msLeft > 0 && msLeft <= 60_000;
  return (
    <span className={urgent ? "countdown countdown--urgent" : "countdown"}>
      <span className="countdown__label">{label}</span>{" "}
      <span role="timer" aria-label={label} className="countdown__value" data-testid="hold-countdown">
        {formatCountdown(msLeft)}
      </span>
    </span>
  );
}
