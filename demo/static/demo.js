// The demo shop's own script: it listens to the DOM events of <pay-checkout> the way a
// merchant would, logs each one in the visible "Events" list, and confirms the order on success.
// Served from this origin under a strict CSP: no inline script, no innerHTML.

const EVENTS = ['pay-ready', 'pay-change', 'pay-processing', 'pay-success', 'pay-failure', 'pay-redirect'];

const log = document.getElementById('events');
const confirmed = document.getElementById('order-confirmed');
const outcome = document.querySelector('.outcome');

function record(event) {
  if (!log) return;
  const item = document.createElement('li');
  item.dataset.event = event.type;
  const time = document.createElement('time');
  time.dateTime = new Date().toISOString();
  time.textContent = new Date().toLocaleTimeString();
  const name = document.createElement('code');
  name.className = 'event-name';
  name.textContent = event.type;
  const detail = document.createElement('span');
  detail.className = 'event-detail';
  detail.textContent = event.detail === undefined || event.detail === null ? '' : JSON.stringify(event.detail);
  item.append(time, ' ', name, ' ', detail);
  log.append(item);
}

function showOutcome(kind, text) {
  if (!outcome) return;
  outcome.dataset.outcome = kind;
  outcome.className = `notice outcome ${kind === 'succeeded' ? 'notice-success' : 'notice-danger'}`;
  outcome.textContent = text;
}

for (const type of EVENTS) {
  document.addEventListener(type, (event) => {
    record(event);
    if (type === 'pay-success') {
      if (confirmed) {
        confirmed.textContent = `Order confirmed. Payment ${event.detail?.paymentId ?? ''} ${event.detail?.status ?? 'succeeded'}.`;
        confirmed.hidden = false;
      }
      showOutcome('succeeded', 'Payment succeeded. Your order is confirmed.');
    } else if (type === 'pay-failure') {
      showOutcome('failed', `Payment failed: ${event.detail?.message ?? 'the payment was not completed.'}`);
    }
  });
}

// Sandbox only: the "Pay this PIX" button asks this shop's backend to pay the PIX code at the
// Pagou sandbox, as the buyer's bank would; the widget then turns to success on its own.
const simulate = document.getElementById('simulate-pix');
const simulateResult = document.getElementById('simulate-pix-result');
simulate?.addEventListener('click', async () => {
  simulate.disabled = true;
  try {
    const response = await fetch(`/pay/${encodeURIComponent(simulate.dataset.session ?? '')}/simulate-pix`, { method: 'POST' });
    const body = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
    if (simulateResult) simulateResult.textContent = body.message ?? '';
  } catch {
    if (simulateResult) simulateResult.textContent = 'The shop could not be reached.';
  } finally {
    simulate.disabled = false;
  }
});
