/** The app's non-form screens, as templates. */
import { html } from 'lit';
import { t } from '../../i18n/index.ts';

const check = html`<span class="check" aria-hidden="true"></span>`;

export const loadingView = () =>
  html`<div class="status" role="status"><span class="spinner" aria-hidden="true"></span><p class="note">${t('status.loading')}</p></div>`;

/** "Processing your payment…", and `note` (translated) under it. */
export const processingView = (note?: string) =>
  html`<div class="status" role="status" aria-live="polite" tabindex="-1">
    <span class="spinner" aria-hidden="true"></span>
    <p class="title">${t('status.processing')}</p>
    ${note ? html`<p class="note">${note}</p>` : ''}
  </div>`;

export const successView = (amount: string) =>
  html`<div class="done" role="status" tabindex="-1">${check}<p class="title">${t('status.success')}</p><p class="amount">${amount}</p></div>`;

export const unavailableView = (message: string) => html`<div class="alert" role="alert">${message}</div>`;
