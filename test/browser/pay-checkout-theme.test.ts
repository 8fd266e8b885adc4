/**
 * Theming `<pay-checkout>`: widget.js is loaded from this page's own origin here so the test can
 * look inside the frame and check that the merchant's custom properties reach the fields.
 */
import '../../widget/host/pay-checkout.ts';
import type { PayCheckout } from '../../widget/host/pay-checkout.ts';
import { equal, ok } from './helpers/assert.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { waitFor } from './helpers/wait.ts';

const page = new CSSStyleSheet();
page.replaceSync('.shop-dark { --pay-color-text: rgb(1, 2, 3); } .wrapper { --pay-radius: 3px; }');
document.adoptedStyleSheets = [page];

let wrapper: HTMLElement | undefined;

async function mountThemed(): Promise<{ element: PayCheckout; button: HTMLButtonElement; label: HTMLLabelElement; root: HTMLElement }> {
  wrapper = document.createElement('div');
  wrapper.className = 'wrapper';
  const element = document.createElement('pay-checkout');
  element.setAttribute('publishable-key', 'pk_test_wtrhost');
  element.setAttribute('client-secret', 'cs_wtrhost_secret_abc123');
  element.style.setProperty('--pay-color-primary', 'rgb(0, 128, 0)');
  element.style.setProperty('--pay-font-family', 'url(https://evil.example/x)');
  wrapper.append(element);
  document.body.append(wrapper);
  const frame = await waitFor(() => element.shadowRoot?.querySelector('iframe'), 'the iframe');
  const form = await waitFor(() => frame.contentDocument?.querySelector('pay-frame-app')?.shadowRoot?.querySelector('pay-card-form'), 'the form', 5000);
  await form.updateComplete;
  const button = form.shadowRoot!.querySelector<HTMLButtonElement>('button.pay')!;
  const label = await waitFor(() => form.shadowRoot!.querySelector('label'), 'a label');
  return { element, button, label, root: frame.contentDocument!.documentElement };
}

describe('<pay-checkout> theming', () => {
  afterEach(() => wrapper?.remove());

  it('passes safe custom properties from the element and its ancestors to the frame, and drops unsafe ones', async () => {
    const { button, root } = await mountThemed();
    await waitFor(() => getComputedStyle(button).backgroundColor === 'rgb(0, 128, 0)', 'the primary color in the frame');
    equal(getComputedStyle(button).borderTopLeftRadius, '3px', 'inherited from an ancestor');
    equal(root.style.getPropertyValue('--pay-font-family'), '', 'url() never reaches the frame');
  });

  it('re-sends the theme when the element’s style or class changes', async () => {
    const { element, button, label } = await mountThemed();
    await waitFor(() => getComputedStyle(button).backgroundColor === 'rgb(0, 128, 0)', 'the first color');
    element.style.setProperty('--pay-color-primary', 'rgb(200, 0, 0)');
    await waitFor(() => getComputedStyle(button).backgroundColor === 'rgb(200, 0, 0)', 'the new color');
    element.classList.add('shop-dark');
    await waitFor(() => getComputedStyle(label).color === 'rgb(1, 2, 3)', 'the class’s text color');
    ok(true);
  });
});
