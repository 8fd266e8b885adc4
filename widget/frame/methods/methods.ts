import { LitElement, css, html, type PropertyValues } from 'lit';
import type { PaymentMethodType } from '../../../contract/api.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import { tokens } from '../styles/tokens.ts';

export interface MethodSelectDetail {
  readonly method: PaymentMethodType;
}

const LABELS: Record<PaymentMethodType, MessageKey> = {
  card: 'method.card',
  pix: 'method.pix',
  ach: 'method.ach',
  alipay: 'method.alipay',
  wechatpay: 'method.wechatpay',
  paypal: 'method.paypal',
};

/**
 * @summary Tabs to choose how to pay ("Card" / "PIX" / "Bank account"…), following the ARIA tabs
 * pattern: a `tablist` of `tab`s, one `tabpanel` per method holding the slot of the same name.
 * Tabs share the width equally while their labels fit on one row and wrap onto more rows when
 * they do not (six methods in a 320px frame), so every label stays whole and visible.
 *
 * Keyboard: only the selected tab is in the tab order (roving tabindex); Left/Right move to the
 * previous/next tab and select it (wrapping), Home/End go to the first/last.
 *
 * The panels live in this element's shadow root so that `aria-controls` and `aria-labelledby`
 * resolve; their content is slotted (`slot="card"`, `slot="pix"`…), so forms stay in the app's tree.
 *
 * @property methods - The methods to offer, in the merchant's order.
 * @property selected - The method whose panel shows (the first one when unset or unknown).
 * @fires pay-method-select - `{ method }` when the buyer picks another tab (bubbles, composed).
 */
export class PayMethodTabs extends LitElement {
  static override styles = [
    tokens,
    css`
      /* Tabs share a row while their labels fit, and wrap onto more rows when they do not. */
      [role='tablist'] {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        margin-bottom: var(--_spacing);
        padding: 4px;
        border: 1px solid color-mix(in srgb, var(--_border) 60%, transparent);
        border-radius: var(--_radius);
      }
      [role='tab'] {
        flex: 1 1 0;
        min-width: fit-content;
        min-height: 44px;
        margin: 0;
        padding: 8px 12px;
        border: 0;
        border-radius: calc(var(--_radius) - 2px);
        background: transparent;
        color: var(--_text);
        font: inherit;
        font-weight: 500;
        cursor: pointer;
      }
      [role='tab']:hover:not([aria-selected='true']) {
        background: color-mix(in srgb, var(--_text) 6%, transparent);
      }
      [role='tab'][aria-selected='true'] {
        background: var(--_primary);
        color: var(--_primary-text);
        font-weight: 600;
      }
      [role='tab']:focus-visible {
        outline: 2px solid var(--_focus);
        outline-offset: 2px;
      }
      [role='tabpanel'][hidden] {
        display: none;
      }
      @media (forced-colors: active) {
        [role='tab'][aria-selected='true'] {
          outline: 2px solid CanvasText;
        }
      }
    `,
  ];

  static override properties = {
    methods: { attribute: false },
    selected: {},
  };

  declare methods: readonly PaymentMethodType[];
  declare selected: PaymentMethodType | undefined;

  constructor() {
    super();
    this.methods = [];
  }

  /** The method actually shown: `selected` if offered, else the first. */
  get active(): PaymentMethodType | undefined {
    return this.selected && this.methods.includes(this.selected) ? this.selected : this.methods[0];
  }

  protected override render() {
    const active = this.active;
    return html`<div role="tablist" aria-label=${t('methods.label')} @keydown=${this.#onKeyDown}>
        ${this.methods.map(
          (method) => html`<button
            type="button"
            role="tab"
            id="tab-${method}"
            aria-controls="panel-${method}"
            aria-selected=${method === active ? 'true' : 'false'}
            tabindex=${method === active ? 0 : -1}
            @click=${() => this.#select(method, false)}
          >${t(LABELS[method])}</button>`,
        )}
      </div>
      ${this.methods.map(
        (method) => html`<div role="tabpanel" id="panel-${method}" aria-labelledby="tab-${method}" ?hidden=${method !== active}>
          <slot name=${method}></slot>
        </div>`,
      )}`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('selected') && this.#focusPending) {
      this.#focusPending = false;
      this.renderRoot.querySelector<HTMLElement>(`#tab-${this.active}`)?.focus();
    }
  }

  #focusPending = false;

  #select(method: PaymentMethodType, focus: boolean): void {
    if (method === this.active) return;
    this.#focusPending = focus;
    this.selected = method;
    this.dispatchEvent(new CustomEvent<MethodSelectDetail>('pay-method-select', { detail: { method }, bubbles: true, composed: true }));
  }

  #onKeyDown(event: KeyboardEvent): void {
    const methods = this.methods;
    const at = methods.indexOf(this.active as PaymentMethodType);
    if (at < 0 || methods.length < 2) return;
    let next: number;
    switch (event.key) {
      case 'ArrowRight':
        next = (at + 1) % methods.length;
        break;
      case 'ArrowLeft':
        next = (at - 1 + methods.length) % methods.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = methods.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    const method = methods[next];
    if (method) this.#select(method, true);
  }
}

customElements.get('pay-method-tabs') || customElements.define('pay-method-tabs', PayMethodTabs);

declare global {
  interface HTMLElementTagNameMap {
    'pay-method-tabs': PayMethodTabs;
  }
  interface HTMLElementEventMap {
    'pay-method-select': CustomEvent<MethodSelectDetail>;
  }
}
