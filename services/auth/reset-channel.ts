import type { Kysely } from 'kysely';
import { createTransport } from 'nodemailer';
import type { AuthDatabase } from './database.ts';

export interface ResetMessage {
  recipient: string;
  subject: string;
  body: string;
}

/** How a reset token reaches its owner. */
export interface ResetChannel {
  deliver(message: ResetMessage): Promise<void>;
}

/** The default: the message is stored in outbound_messages, where operators and tests read it. */
export function databaseChannel(db: Kysely<AuthDatabase>): ResetChannel {
  return {
    async deliver(message) {
      await db
        .insertInto('outbound_messages')
        .values({ channel: 'database', ...message })
        .execute();
    },
  };
}

/** E-mail through an SMTP server (nodemailer). */
export function smtpChannel(smtpUrl: string, from: string): ResetChannel {
  const transport = createTransport(smtpUrl);
  return {
    async deliver(message) {
      await transport.sendMail({ from, to: message.recipient, subject: message.subject, text: message.body });
    },
  };
}
