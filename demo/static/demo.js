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
