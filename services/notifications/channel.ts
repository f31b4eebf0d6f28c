import nodemailer from 'nodemailer';

export interface Message {
  to: string;
  subject: string;
  text: string;
}

/** How a notification leaves: e-mail over SMTP, or (no SMTP_URL) nothing to do: stored as sent. */
export interface Channel {
  name: 'email';
  send(message: Message): Promise<void>;
  close(): void;
}

export function createChannel(options: { smtpUrl: string | undefined; from: string }): Channel {
  if (!options.smtpUrl) return { name: 'email', send: async () => undefined, close: () => undefined };
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    name: 'email',
    async send(message) {
      await transport.sendMail({ from: options.from, ...message });
    },
    close: () => transport.close(),
  };
}
