import { digitsOf } from '../../lib/digits.ts';
import type { Validity } from '../../lib/validity.ts';
import { PayField, type FieldConfig } from '../fields/field/field.ts';
import { ACCOUNT_MAX, accountNumberState, confirmState } from './account.ts';
import { achValidity } from './codes.ts';

/**
 * @summary US bank account number: 4 to 17 digits (anything else typed or pasted is dropped).
 * Account numbers carry no check digit, so a typo can only be caught by typing it twice
 * (`<pay-account-confirm>`).
 */
export class PayAccountNumber extends PayField {
  protected readonly config: FieldConfig = {
    name: 'accountNumber',
    label: 'label.account_number',
    autocomplete: 'off',
    inputMode: 'numeric',
    digits: true,
  };

  protected override format(raw: string): string {
    return digitsOf(raw).slice(0, ACCOUNT_MAX);
  }

  protected validate(value: string): Validity {
    const state = accountNumberState(value);
    return achValidity(state, state === 'empty' ? 'account_number.required' : 'account_number.invalid');
  }
}

/**
 * @summary The account number typed again, so that a slip is caught before the debit rather
 * than returned by the bank days later. Pasting is allowed (blocking it hurts people who
 * use password managers or assistive technology).
 *
 * @property account - The account number to match (set by the form as the buyer types it).
 */
export class PayAccountConfirm extends PayField {
  static override properties = { account: { attribute: false } };

  declare account: string;

  protected readonly config: FieldConfig = {
    name: 'accountConfirm',
    label: 'label.account_confirm',
    autocomplete: 'off',
    inputMode: 'numeric',
    digits: true,
  };

  constructor() {
    super();
    this.account = '';
  }

  protected override format(raw: string): string {
    return digitsOf(raw).slice(0, ACCOUNT_MAX);
  }

  protected validate(value: string): Validity {
    const state = confirmState(value, this.account);
    return achValidity(state, state === 'empty' ? 'account_confirm.required' : 'account_confirm.mismatch');
  }
}

customElements.get('pay-account-number') || customElements.define('pay-account-number', PayAccountNumber);
customElements.get('pay-account-confirm') || customElements.define('pay-account-confirm', PayAccountConfirm);

declare global {
  interface HTMLElementTagNameMap {
    'pay-account-number': PayAccountNumber;
    'pay-account-confirm': PayAccountConfirm;
  }
}
