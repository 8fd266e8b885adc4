/**
 * The hosted invoice page's script (`/assets/invoice.js`): opens a checkout for the invoice and
 * mounts `<pay-checkout>` in it. Plain DOM, no Lit, no zod; everything it needs is on
 * `<section id="pay">` as data-* attributes (server/invoices/page.ts), so the page has no inline
 * script. Without partial payment it asks for the checkout at once; with it, when the buyer
 * submits an amount. A 409 (the invoice changed or got paid), from opening the checkout or
 * from paying it (`pay-failure` with an `invoice_…` code), reloads the page; so does
 * `pay-success`, to show the new status and the receipt.
 */
import { parseAmount } from './amount.ts';

interface CheckoutAnswer {
  client_secret?: unknown;
  publishable_key?: unknown;
  error?: { param?: unknown; message?: unknown };
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

const section = byId('pay');
const mount = byId('paykit-checkout');
if (section?.dataset.checkoutPath && mount) start(section, mount);

function start(section: HTMLElement, mount: HTMLElement): void {
  const data = section.dataset;
  const form = byId<HTMLFormElement>('paykit-amount');
  const input = byId<HTMLInputElement>('paykit-amount-input');
  const fieldError = byId('paykit-amount-error');
  const alert = byId('paykit-alert');
  const status = byId('paykit-status');
  const exponent = Number(data.exponent);
  const min = Number(data.min);
  const max = Number(data.max);
  let busy = false;

  const change = document.createElement('button');
  change.type = 'button';
  change.className = 'link-button';
  change.textContent = data.msgChange ?? '';
  change.hidden = true;
  section.insertBefore(change, mount);

  // Without an amount form, a checkout that could not be opened needs a way to try again.
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.className = 'link-button';
  retry.textContent = data.msgRetry ?? '';
  retry.hidden = true;
  section.insertBefore(retry, mount);

  const say = (element: HTMLElement | null, message: string) => {
    if (element) element.textContent = message;
  };
  const amountError = (message: string) => {
    say(fieldError, message);
    input?.setAttribute('aria-invalid', 'true');
    input?.focus();
  };
  const clearAmountError = () => {
    say(fieldError, '');
    input?.removeAttribute('aria-invalid');
  };

  const open = async (body: { amount?: number }): Promise<void> => {
    busy = true;
    form?.setAttribute('aria-busy', 'true');
    form?.querySelector('button')?.toggleAttribute('disabled', true);
    say(alert, '');
    retry.hidden = true;
    try {
      const response = await fetch(data.checkoutPath ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status === 409) return location.reload();
      const answer = (await response.json().catch(() => null)) as CheckoutAnswer | null;
      if (response.ok && typeof answer?.client_secret === 'string') {
        return show(answer.client_secret, typeof answer.publishable_key === 'string' ? answer.publishable_key : data.publishableKey ?? '');
      }
      if (response.status === 400 && form && answer?.error?.param === 'amount' && typeof answer.error.message === 'string') {
        return amountError(answer.error.message);
      }
      failed();
    } catch {
      failed();
    } finally {
      busy = false;
      form?.removeAttribute('aria-busy');
      form?.querySelector('button')?.toggleAttribute('disabled', false);
    }
  };

  const failed = () => {
    say(alert, data.msgError ?? '');
    if (!form) retry.hidden = false;
  };

  const show = (clientSecret: string, publishableKey: string) => {
    const widget = document.createElement('pay-checkout');
    widget.setAttribute('publishable-key', publishableKey);
    widget.setAttribute('client-secret', clientSecret);
    if (data.locale) widget.setAttribute('locale', data.locale);
    mount.replaceChildren(widget);
    if (form) {
      // The submit button disappears with the form: keep focus just before the payment form.
      form.hidden = true;
      change.hidden = false;
      change.focus();
    }
  };

  mount.addEventListener('pay-success', () => {
    change.hidden = true;
    say(status, data.msgSuccess ?? '');
    setTimeout(() => location.replace(location.pathname), 800);
  });

  // The invoice changed, got paid or is held by another payment (the widget says which): show it as it is now.
  mount.addEventListener('pay-failure', (event) => {
    const code = (event as CustomEvent<{ code?: unknown }>).detail?.code;
    if (typeof code === 'string' && code.startsWith('invoice_')) setTimeout(() => location.replace(location.pathname), 2500);
  });

  retry.addEventListener('click', () => {
    if (!busy) void open({});
  });

  change.addEventListener('click', () => {
    mount.replaceChildren();
    change.hidden = true;
    say(alert, '');
    if (form) form.hidden = false;
    input?.focus();
  });

  if (!form || !input) {
    void open({});
    return;
  }
  input.addEventListener('input', clearAmountError);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    const amount = parseAmount(input.value, exponent);
    if (amount === null || amount < min || amount > max) return amountError(data.msgInvalid ?? '');
    clearAmountError();
    void open({ amount });
  });
}
