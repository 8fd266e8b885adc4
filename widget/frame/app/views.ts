/** The app's non-form screens, as templates. */
import { html, svg } from 'lit';
import { t, type MessageKey } from '../../i18n/index.ts';

const check = svg`<svg class="check" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
  <circle cx="24" cy="24" r="22" fill="none" stroke="currentColor" stroke-width="3" />
  <path d="M14 24.5l7 7 13-14" fill="none" stroke="currentColor" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round" />
</svg>`;

export const loadingView = () =>
  html`<div class="status" role="status"><span class="spinner" aria-hidden="true"></span><p class="note">${t('status.loading')}</p></div>`;

export const processingView = (note: MessageKey) =>
  html`<div class="status" role="status" aria-live="polite" tabindex="-1">
    <span class="spinner" aria-hidden="true"></span>
    <p class="title">${t('status.processing')}</p>
    ${note === 'status.processing' ? '' : html`<p class="note">${t(note)}</p>`}
  </div>`;

export const successView = (amount: string) =>
  html`<div class="done" role="status" tabindex="-1">${check}<p class="title">${t('status.success')}</p><p class="amount">${amount}</p></div>`;

export const unavailableView = (message: string) => html`<div class="alert" role="alert">${message}</div>`;
