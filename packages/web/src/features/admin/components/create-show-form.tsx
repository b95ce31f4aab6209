import { type FormEvent, useId, useState } from "react";
import { isApiError } from "../../../lib/api-client.ts";
import type { Show } from "../../../types/api.ts";
import { useCreateShow } from "../api/create-show.ts";

type Draft = {
  name: string;
  venue: string;
  startsAt: string;
  capacity: string;
  price: string;
  maxPerCustomer: string;
  shards: string;
  holdSeconds: string;
};

/** A `datetime-local` value (local wall time, no zone) for tomorrow at 8 pm. */
function tomorrowEvening(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(20, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const emptyDraft = (): Draft => ({
  name: "",
  venue: "",
  startsAt: tomorrowEvening(),
  capacity: "500",
  price: "49.00",
  maxPerCustomer: "4",
  shards: "1",
  holdSeconds: "600",
});

export function CreateShowForm({ onCreated }: { onCreated: (show: Show) => void }) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [created, setCreated] = useState<Show | null>(null);
  const mutation = useCreateShow({
    onSuccess: (show) => {
      setCreated(show);
      setDraft(emptyDraft());
      onCreated(show);
    },
  });

  const field = (name: keyof Draft) => ({
    id: `${id}-${name}`,
    name,
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    mutation.mutate({
      name: draft.name.trim(),
      venue: draft.venue.trim(),
      // datetime-local is the admin's wall clock; the API wants an instant with an offset.
      startsAt: new Date(draft.startsAt).toISOString(),
      capacity: Number(draft.capacity),
      priceCents: Math.round(Number(draft.price) * 100),
      maxPerCustomer: Number(draft.maxPerCustomer),
      shards: Number(draft.shards),
      holdSeconds: Number(draft.holdSeconds),
    });
  };

  return (
    <form className="card create-show" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Create a show</h2>
      <div className="form-grid">
        <div className="field field--wide">
          <label htmlFor={`${id}-name`}>Show name</label>
          <input {...field("name")} required maxLength={200} autoComplete="off" />
        </div>
        <div className="field field--wide">
          <label htmlFor={`${id}-venue`}>Venue</label>
          <input {...field("venue")} required maxLength={200} autoComplete="off" />
        </div>
        <div className="field field--wide">
          <label htmlFor={`${id}-startsAt`}>Starts at</label>
          <input {...field("startsAt")} type="datetime-local" required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-price`}>Price (USD)</label>
          <input {...field("price")} type="number" min={0} step={0.01} required inputMode="decimal" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-capacity`}>Capacity</label>
          <input {...field("capacity")} type="number" min={1} max={10_000_000} step={1} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-maxPerCustomer`}>Limit per customer</label>
          <input {...field("maxPerCustomer")} type="number" min={1} max={1000} step={1} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-shards`}>Counter shards</label>
          <input
            {...field("shards")}
            type="number"
            min={1}
            max={64}
            step={1}
            required
            aria-describedby={`${id}-shards-hint`}
          />
          <p id={`${id}-shards-hint`} className="field__hint">
            Split the stock across keys for very hot sales.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-holdSeconds`}>Hold (seconds)</label>
          <input
            {...field("holdSeconds")}
            type="number"
            min={5}
            max={3600}
            step={1}
            required
            aria-describedby={`${id}-holdSeconds-hint`}
          />
          <p id={`${id}-holdSeconds-hint`} className="field__hint">
            How long a buyer has to pay before held tickets go back on sale.
          </p>
        </div>
      </div>
      {mutation.isError ? (
        <p className="notice notice--error" role="alert">
          {isApiError(mutation.error) ? mutation.error.message : "Could not create the show."}
        </p>
      ) : null}
      {created ? (
        <p className="notice notice--success" role="status">
          Created <strong>{created.name}</strong>. Preload it below to open the sale.
        </p>
      ) : null}
      <button type="submit" className="button button--primary" disabled={mutation.isPending}>
        {mutation.isPending ? "Creating…" : "Create show"}
      </button>
    </form>
  );
}
