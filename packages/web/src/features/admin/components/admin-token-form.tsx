import { type FormEvent, useId, useState } from "react";
import { setAdminToken } from "../lib/admin-token.ts";

export function AdminTokenForm({ refused }: { refused: boolean }) {
  const id = useId();
  const [token, setToken] = useState("");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) setAdminToken(token.trim());
  };

  return (
    <form className="card token-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Admin sign-in</h2>
      <p className="muted">Enter the admin token once; it is kept for this browser session only.</p>
      {refused ? (
        <p className="notice notice--error" role="alert">
          That token was refused. Check it and try again.
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-token`}>Admin token</label>
        <input
          id={`${id}-token`}
          type="password"
          autoComplete="off"
          required
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
      </div>
      <button type="submit" className="button button--primary">
        Continue
      </button>
    </form>
  );
}
