import fs from "node:fs/promises";
import path from "node:path";
import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { newUlid } from "../id/index.ts";

export interface Message {
  to: string;
  subject: string;
  text: string;
}

/** Where messages to buyers go: SES on AWS, the local outbox everywhere else. */
export interface Mailer {
  send(message: Message): Promise<void>;
}

/**
 * Sends nothing: each message becomes one JSON file `{to, subject, text, sentAt}` in `dir`, for the
 * local stack and the tests (the storefront's local outbox page reads them). Never used on AWS.
 */
export class OutboxMailer implements Mailer {
  constructor(readonly dir: string) {}

  async send(message: Message): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const sentAt = new Date().toISOString();
    const file = path.join(this.dir, `${Date.now()}-${newUlid()}.json`);
    // Written whole under a temporary name, then renamed: a reader never sees half a message.
    await fs.writeFile(`${file}.tmp`, JSON.stringify({ ...message, sentAt }, null, 2));
    await fs.rename(`${file}.tmp`, file);
  }
}

/** Every message in an outbox folder, newest first. */
export async function readOutbox(dir: string): Promise<(Message & { sentAt: string })[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const files = names
    .filter((n) => n.endsWith(".json"))
    .sort()
    .reverse();
  return Promise.all(files.map(async (n) => JSON.parse(await fs.readFile(path.join(dir, n), "utf8"))));
}

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
  ) {}

  async send(message: Message): Promise<void> {
    await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: { Subject: { Data: message.subject }, Body: { Text: { Data: message.text } } },
        },
      }),
    );
  }
}
