import { formatTime } from "../../../lib/format.ts";
import type { OutboxMessage } from "../api/get-outbox.ts";
import { codeIn } from "../lib/local-outbox.ts";

export function OutboxList({ messages }: { messages: OutboxMessage[] }) {
  if (messages.length === 0) {
    return (
      <p className="notice notice--info" role="status">
        No mail yet. Ask for a sign-in code and it shows up here within a few seconds.
      </p>
    );
  }
  return (
    <ol className="outbox" aria-label="Messages, newest first">
      {messages.map((message) => {
        const code = codeIn(message.text);
        return (
          <li key={`${message.sentAt}-${message.to}-${message.subject}`} className="card outbox__message">
            <article aria-label={`${message.subject} to ${message.to}`}>
              <header className="outbox__header">
                <h2 className="outbox__subject">{message.subject}</h2>
                <p className="muted">
                  To <strong className="outbox__to">{message.to}</strong> ·{" "}
                  <time dateTime={message.sentAt}>{formatTime(message.sentAt)}</time>
                </p>
              </header>
              {code ? (
                <p className="outbox__code">
                  Code <code data-testid="outbox-code">{code}</code>
                </p>
              ) : null}
              <pre className="outbox__text">{message.text}</pre>
            </article>
          </li>
        );
      })}
    </ol>
  );
}
