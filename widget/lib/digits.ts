/** Only the ASCII digits of `text`. */
export function digitsOf(text: string): string {
  return text.replace(/\D+/g, '');
}

/** How many ASCII digits `text` contains. */
export function countDigits(text: string): number {
  return digitsOf(text).length;
}
