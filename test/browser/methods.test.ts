/** `<pay-method-tabs>`: the ARIA tabs that pick the payment method. */
import { sendKeys } from '@web/test-runner-commands';
import type { PaymentMethodType } from '../../contract/api.ts';
import { setLocale } from '../../widget/i18n/index.ts';
import '../../widget/frame/methods/methods.ts';
import type { PayMethodTabs } from '../../widget/frame/methods/methods.ts';
import { deepEqual, equal, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';

let tabs: PayMethodTabs | undefined;
let picked: PaymentMethodType[] = [];

async function mount(methods: PaymentMethodType[], selected?: PaymentMethodType): Promise<PayMethodTabs> {
  tabs = document.createElement('pay-method-tabs');
  tabs.methods = methods;
  if (selected) tabs.selected = selected;
  for (const method of methods) {
    const content = document.createElement('div');
    content.slot = method;
    content.innerHTML = `<label>${method} field <input name="${method}"></label>`;
    tabs.append(content);
  }
  tabs.addEventListener('pay-method-select', (event) => picked.push(event.detail.method));
  document.body.append(tabs);
  await tabs.updateComplete;
  return tabs;
}

const tabList = () => tabs!.shadowRoot!.querySelector<HTMLElement>('[role="tablist"]')!;
const allTabs = () => [...tabs!.shadowRoot!.querySelectorAll<HTMLElement>('[role="tab"]')];
const tab = (name: string) => allTabs().find((t) => t.textContent?.trim() === name)!;
const panels = () => [...tabs!.shadowRoot!.querySelectorAll<HTMLElement>('[role="tabpanel"]')];
const visibleInputs = () => [...tabs!.querySelectorAll('input')].filter((input) => input.checkVisibility()).map((input) => input.name);
const focused = () => tabs!.shadowRoot!.activeElement;

describe('Method tabs', () => {
  afterEach(async () => {
    tabs?.remove();
    tabs = undefined;
    picked = [];
    await setLocale('en');
  });

  it('is a labelled tablist of the methods in the given order, each tab controlling its panel', async () => {
    await mount(['pix', 'card']);
    equal(tabList().getAttribute('aria-label'), 'Payment method');
    deepEqual(allTabs().map((t) => t.textContent?.trim()), ['PIX', 'Card']);
    deepEqual(allTabs().map((t) => t.getAttribute('aria-selected')), ['true', 'false'], 'the first is selected');
    deepEqual(allTabs().map((t) => t.tabIndex), [0, -1], 'only the selected tab is in the tab order');
    for (const t of allTabs()) {
      const panel = tabs!.shadowRoot!.getElementById(t.getAttribute('aria-controls')!);
      ok(panel, 'aria-controls resolves');
      equal(panel!.getAttribute('role'), 'tabpanel');
      equal(panel!.getAttribute('aria-labelledby'), t.id);
    }
    deepEqual(visibleInputs(), ['pix'], "only the selected method's content shows");
    equal(panels().filter((p) => !p.hidden).length, 1);
    await expectNoAxeViolations(tabs!);
  });

  it('arrow keys move between tabs and select them, wrapping; Home and End jump', async () => {
    await mount(['card', 'pix']);
    tab('Card').focus();
    await sendKeys({ press: 'ArrowRight' });
    await tabs!.updateComplete;
    equal(focused(), tab('PIX'), 'focus follows');
    equal(tab('PIX').getAttribute('aria-selected'), 'true');
    deepEqual(allTabs().map((t) => t.tabIndex), [-1, 0], 'roving tabindex');
    deepEqual(visibleInputs(), ['pix']);
    await sendKeys({ press: 'ArrowRight' });
    await tabs!.updateComplete;
    equal(focused(), tab('Card'), 'wraps to the first');
    await sendKeys({ press: 'ArrowLeft' });
    await tabs!.updateComplete;
    equal(focused(), tab('PIX'), 'wraps to the last');
    await sendKeys({ press: 'Home' });
    await tabs!.updateComplete;
    equal(focused(), tab('Card'));
    await sendKeys({ press: 'End' });
    await tabs!.updateComplete;
    equal(focused(), tab('PIX'));
    deepEqual(picked, ['pix', 'card', 'pix', 'card', 'pix']);
    equal(tabs!.selected, 'pix');
  });

  it('Tab leaves the tablist for the panel content; a click selects', async () => {
    await mount(['card', 'pix']);
    tab('Card').focus();
    await sendKeys({ press: 'Tab' });
    equal(document.activeElement, tabs!.querySelector('input[name="card"]'), 'the next stop is the form, not the other tab');
    tab('PIX').click();
    await tabs!.updateComplete;
    deepEqual(picked, ['pix']);
    deepEqual(visibleInputs(), ['pix']);
    tab('PIX').click();
    deepEqual(picked, ['pix'], 'no event for the tab already selected');
  });

  it('shows the method it is told to, and translates', async () => {
    await setLocale('pt-BR');
    await mount(['card', 'pix'], 'pix');
    deepEqual(allTabs().map((t) => t.textContent?.trim()), ['Cartão', 'PIX']);
    equal(tabList().getAttribute('aria-label'), 'Forma de pagamento');
    equal(tab('PIX').getAttribute('aria-selected'), 'true');
    deepEqual(visibleInputs(), ['pix']);
    tabs!.selected = 'card';
    await tabs!.updateComplete;
    deepEqual(visibleInputs(), ['card']);
    deepEqual(picked, [], 'no event when the app changes it');
  });
  it('keeps six methods usable at 320px: tabs wrap onto rows, every label whole, the keyboard unchanged', async () => {
    const frame = document.createElement('div');
    frame.style.width = '320px';
    document.body.append(frame);
    try {
      const all: PaymentMethodType[] = ['card', 'pix', 'ach', 'alipay', 'wechatpay', 'paypal'];
      await mount(all);
      frame.append(tabs!);
      await tabs!.updateComplete;
      deepEqual(allTabs().map((t) => t.textContent?.trim()), ['Card', 'PIX', 'Bank account', 'Alipay', 'WeChat Pay', 'PayPal']);
      const list = tabList().getBoundingClientRect();
      ok(list.width <= 320, 'no wider than the frame');
      for (const t of allTabs()) {
        const box = t.getBoundingClientRect();
        ok(box.left >= list.left && box.right <= list.right && box.bottom <= list.bottom, `${t.textContent} inside the tab list`);
        ok(t.scrollWidth <= t.clientWidth, `${t.textContent} not cut`);
        ok(box.height >= 44, `${t.textContent} a comfortable target`);
      }
      const rows = new Set(allTabs().map((t) => Math.round(t.getBoundingClientRect().top)));
      equal(rows.size, 2, 'two rows');
      tab('Card').focus();
      await sendKeys({ press: 'End' });
      await tabs!.updateComplete;
      equal(focused(), tab('PayPal'));
      await sendKeys({ press: 'ArrowRight' });
      await tabs!.updateComplete;
      equal(focused(), tab('Card'), 'wraps across rows');
      await sendKeys({ press: 'ArrowLeft' });
      await sendKeys({ press: 'ArrowLeft' });
      await sendKeys({ press: 'ArrowLeft' });
      await tabs!.updateComplete;
      equal(focused(), tab('Alipay'), 'from the second row back to the first');
      deepEqual(picked, ['paypal', 'card', 'paypal', 'wechatpay', 'alipay']);
      deepEqual(visibleInputs(), ['alipay']);
      await expectNoAxeViolations(tabs!);
    } finally {
      frame.remove();
    }
  });

  it('shares one row equally while the labels fit', async () => {
    await mount(['card', 'ach']);
    tabs!.style.width = '400px';
    await tabs!.updateComplete;
    const [card, bank] = allTabs().map((t) => t.getBoundingClientRect());
    equal(Math.round(card!.top), Math.round(bank!.top), 'one row');
    ok(Math.abs(card!.width - bank!.width) < 1, `equal widths (${card!.width} / ${bank!.width})`);
  });
});
