/**
 * Reformatting a digit field while the buyer types, keeping the caret where they expect it:
 * the caret stays after the same number of digits, and deleting a separator deletes the digit
 * next to it (otherwise Backspace after '4242 ' would do nothing, as the space comes right back).
 */
import { countDigits } from './digits.ts';

export interface Edit {
  /** The input's value after the browser applied the keystroke, paste or autofill. */
  readonly raw: string;
  /** `selectionStart` after the edit. */
  readonly caret: number;
  /** The (formatted) value before the edit. */
  readonly previous: string;
  /** From `InputEvent.inputType`: deleteContentBackward → 'backward', deleteContentForward → 'forward'. */
  readonly deleting: 'backward' | 'forward' | null;
}

export interface Formatted {
  readonly value: string;
  readonly caret: number;
}

const isDigit = (char: string | undefined): boolean => char !== undefined && char >= '0' && char <= '9';

/** Index just after the `n`-th digit of `text` (0 when n is 0). */
export function indexAfterDigits(text: string, n: number): number {
  if (n <= 0) return 0;
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    if (isDigit(text[i]) && ++seen === n) return i + 1;
  }
  return text.length;
}

export function deletingFrom(inputType: string | undefined): Edit['deleting'] {
  if (inputType === 'deleteContentBackward') return 'backward';
  if (inputType === 'deleteContentForward') return 'forward';
  return null;
}

export function reformat(edit: Edit, format: (raw: string) => string): Formatted {
  let { raw, caret } = edit;
  const onlySeparatorRemoved =
    edit.deleting !== null && raw.length < edit.previous.length && countDigits(raw) === countDigits(edit.previous);
  if (onlySeparatorRemoved) {
    if (edit.deleting === 'backward') {
      let i = caret - 1;
      while (i >= 0 && !isDigit(raw[i])) i--;
      if (i >= 0) {
        raw = raw.slice(0, i) + raw.slice(i + 1);
        caret = i;
      }
    } else {
      let i = caret;
      while (i < raw.length && !isDigit(raw[i])) i++;
      if (i < raw.length) raw = raw.slice(0, i) + raw.slice(i + 1);
    }
  }
  const atEnd = caret >= raw.length;
  const value = format(raw);
  return { value, caret: atEnd ? value.length : indexAfterDigits(value, countDigits(raw.slice(0, caret))) };
}
