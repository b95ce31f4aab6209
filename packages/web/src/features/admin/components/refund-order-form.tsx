import { type FormEvent, useId, useState } from "react";
import { isApiError } from "../../../lib/api-client.ts";
import { formatPrice, formatTickets } from "../../../lib/format.ts";
import { useRefundOrder } from "../api/refund-order.ts";

function refundFailure(error: unknown): string {
  if (!isApiError(error)) return "Something unexpected happened.";
  switch (error.code) {
    case "order_not_found":
      return "There is no order with that id.";
    case "not_refundable":
      return `Only a confirmed order can be refunded (${error.message}).`;
    default:
      return error.message;
  }
}

export function RefundOrderForm() {
  const id = useId();
  const [orderId, setOrderId] = useState("");
  const refund = useRefundOrder();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = orderId.trim();
    if (wanted && !refund.isPending) refund.mutate(wanted);
  };

  return (
    <form className="card refund-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Refund an order</h2>
      <p className="muted">The buyer's money goes back and the tickets return to sale at once.</p>
      <div className="field">
        <label htmlFor={`${id}-order`}>Order id</label>
        <input
          id={`${id}-order`}
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="ord_…"
          value={orderId}
          onChange={(event) => {
            setOrderId(event.target.value);
            if (!refund.isPending) refund.reset();
          }}
        />
      </div>
      {refund.isError ? (
        <p className="notice notice--error" role="alert">
          <strong>Not refunded.</strong> {refundFailure(refund.error)}
        </p>
      ) : null}
      {refund.isSuccess ? (
        <p className="notice notice--success" role="status">
          Refunded <code>{refund.data.id}</code>: {formatPrice(refund.data.priceCents * refund.data.quantity)} back to
          the buyer, {formatTickets(refund.data.quantity)} back on sale.
        </p>
      ) : null}
      <button type="submit" className="button button--secondary" disabled={refund.isPending}>
        {refund.isPending ? "Refunding…" : "Refund"}
      </button>
    </form>
  );
}
