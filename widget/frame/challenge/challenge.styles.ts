import { css } from 'lit';

/**
 * The challenge modal. Sizes are fixed in px on purpose: the frame's height follows its content
 * (the app posts `resize`), so inside the frame `vh` means "the frame's own height" and a
 * `vh`-based dialog would feed back into the height it is measured from.
 *
 * `--_challenge-gap` is the free space kept around the dialog; `challenge.ts` reads it to size
 * the spacer that makes the frame tall enough while the modal is open.
 */
export const challengeStyles = css`
  :host {
    --_challenge-gap: 8px;
    --_challenge-frame-height: 600px;
  }
  .spacer {
    display: block;
    height: 0;
  }
  dialog {
    box-sizing: border-box;
    width: min(100% - 2 * var(--_challenge-gap), 520px);
    max-width: none;
    /* Only bites before the spacer has grown the frame (or in a page taller than the frame). */
    max-height: calc(100% - 2 * var(--_challenge-gap));
    margin: auto;
    padding: 0;
    overflow: auto;
    border: 1px solid color-mix(in srgb, var(--_border) 60%, transparent);
    border-radius: var(--_radius);
    background: var(--_field-background);
    color: var(--_text);
    box-shadow: 0 12px 32px rgb(0 0 0 / 0.25);
    font: inherit;
  }
  dialog::backdrop {
    background: rgb(17 24 39 / 0.55);
  }
  dialog:focus {
    outline: none;
  }
  .body {
    display: grid;
    gap: 12px;
    padding: 16px;
  }
  h2 {
    margin: 0;
    font-size: 1.125em;
    font-weight: 600;
    line-height: 1.3;
  }
  h2:focus {
    outline: none;
  }
  p {
    margin: 0;
  }
  .explanation,
  .countdown {
    color: var(--_muted);
    font-size: 0.9375em;
  }
  .countdown {
    font-variant-numeric: tabular-nums;
  }
  iframe {
    display: block;
    width: 100%;
    height: var(--_challenge-frame-height);
    border: 1px solid color-mix(in srgb, var(--_border) 50%, transparent);
    border-radius: calc(var(--_radius) / 2);
    /* Bank pages assume a white page behind them. */
    background: #ffffff;
  }
  .cancel {
    min-height: 44px;
    padding: 10px 16px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: transparent;
    color: var(--_text);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .cancel:hover {
    background: color-mix(in srgb, var(--_text) 6%, transparent);
  }
  .cancel:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  @media (max-width: 360px) {
    .body {
      gap: 10px;
      padding: 12px;
    }
  }
`;
