/** Replaces every URL-embedded password found anywhere in a free-form message. */
export function redactText(text: string): string {
  return text.replace(/(\w+:\/\/[^:/@\s]+):[^@\s]*@/g, '$1:***@');
}
