/**
 * The installments choice ("parcelas") of the card form. Loaded on demand: only sessions with
 * `max_installments` > 1 need it, so it and `contract/installments.ts` are a chunk of their own.
 */
import { LitElement, html, nothing } from 'lit';
import { installmentOptions, type InstallmentOption } from '../../../contract/installments.ts';
import { t } from '../../i18n/index.ts';
import { formatPrice } from '../../lib/amount.ts';

/**
 * "1× $100.00 (no interest)", "2× $50.00 · total $100.00", or, when the remainder makes the first
 * installment larger, "3× $33.33 (first $33.34) · total $100.00".
 */
export function installmentLabel(option: InstallmentOption, currency: string, locale: string | undefined): string {
  const price = (minor: number) => formatPrice(minor, currency, locale);
  if (option.count === 1) return t('installments.one', { amount: price(option.total) });
  const params = { count: option.count, each: price(option.each), first: price(option.first), total: price(option.total) };
  return t(option.first === option.each ? 'installments.equal' : 'installments.uneven', params);
}

/** The choices to offer, or none when there is nothing to choose (max 1, or an amount too small to split). */
export function installmentChoices(amount: number, max: number): InstallmentOption[] {
  if (!(max > 1)) return [];
  try {
    const options = installmentOptions(amount, max);
    return options.length > 1 ? options : [];
  } catch {
    return [];
  }
}

/**
 * @summary A labelled native `<select>` of installment options, 1× chosen by default. Renders
 * into its light DOM (like the fields), so the label and the select live in the form's shadow
 * root and take its styles. Renders nothing when there is nothing to choose.
 *
 * @property amount - The total, in minor units.
 * @property currency - ISO 4217 code.
 * @property max - The most installments the session offers.
 * @property locale - Locale for the amounts.
 * @property disabled - Set while a payment is in flight.
 */
export class PayInstallments extends LitElement {
  static override properties = {
    amount: { type: Number },
    currency: {},
    max: { type: Number },
    locale: {},
    disabled: { type: Boolean },
    chosen: { state: true },
  };

  declare amount: number;
  declare currency: string;
  declare max: number;
  declare locale: string | undefined;
  declare disabled: boolean;
  declare chosen: number;

  constructor() {
    super();
    this.amount = 0;
    this.currency = 'USD';
    this.max = 1;
    this.disabled = false;
    this.chosen = 1;
  }

  /** The number of installments to pay in: the choice if still offered, else 1. */
  get count(): number {
    return installmentChoices(this.amount, this.max).some((option) => option.count === this.chosen) ? this.chosen : 1;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render() {
    const options = installmentChoices(this.amount, this.max);
    if (!options.length) return nothing;
    const count = this.count;
    return html`<div class="field">
      <label for="installments">${t('installments.label')}</label>
      <select id="installments" ?disabled=${this.disabled} @change=${this.#onChange}>
        ${options.map(
          (option) =>
            html`<option value=${option.count} ?selected=${option.count === count}>${installmentLabel(option, this.currency, this.locale)}</option>`,
        )}
      </select>
    </div>`;
  }

  #onChange(event: Event): void {
    const count = Number((event.target as HTMLSelectElement).value);
    this.chosen = Number.isInteger(count) && count >= 1 ? count : 1;
  }
}

customElements.get('pay-installments') || customElements.define('pay-installments', PayInstallments);

declare global {
  interface HTMLElementTagNameMap {
    'pay-installments': PayInstallments;
  }
}
