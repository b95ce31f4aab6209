import { useId, useState } from "react";

type Props = {
  value: number;
  max: number;
  onChange: (quantity: number) => void;
  disabled?: boolean;
  hint: string;
};

export function QuantityPicker({ value, max, onChange, disabled = false, hint }: Props) {
  const id = useId();
  // While typing, the field may hold "" or an out-of-range number; it snaps back to the last valid value on blur.
  const [draft, setDraft] = useState<string | null>(null);

  const change = (text: string) => {
    setDraft(text);
    const n = Number(text);
    if (Number.isInteger(n) && n >= 1 && n <= max) onChange(n);
  };

  return (
    <div className="qty">
      <label htmlFor={id} className="qty__label">
        Tickets
      </label>
      <div className="qty__control">
        <button
          type="button"
          className="qty__step"
          aria-label="Fewer tickets"
          disabled={disabled || value <= 1}
          onClick={() => onChange(value - 1)}
        >
          −
        </button>
        <input
          id={id}
          className="qty__input"
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          step={1}
          value={draft ?? String(value)}
          disabled={disabled}
          aria-describedby={`${id}-hint`}
          onChange={(event) => change(event.target.value)}
          onBlur={() => setDraft(null)}
        />
        <button
          type="button"
          className="qty__step"
          aria-label="More tickets"
          disabled={disabled || value >= max}
          onClick={() => onChange(value + 1)}
        >
          +
        </button>
      </div>
      <p id={`${id}-hint`} className="qty__hint">
        {hint}
      </p>
    </div>
  );
}
