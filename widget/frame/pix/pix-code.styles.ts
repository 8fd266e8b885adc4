import { css } from 'lit';

/** The PIX code view; buttons and the spinner come from the form styles (`.pay`, `.spinner`). */
export const pixCodeStyles = css`
  .pix {
    display: grid;
    gap: var(--_spacing);
    min-width: 0;
  }
  .pix:focus {
    outline: none;
  }
  p {
    margin: 0;
  }
  .total {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: baseline;
    gap: 4px 12px;
    color: var(--_muted);
  }
  .total strong {
    color: var(--_text);
    font-size: 1.25em;
  }
  .instructions {
    color: var(--_muted);
    font-size: 0.9375em;
  }
  /* Dark modules on white whatever the theme: scanners need the contrast and the quiet zone. */
  .qr {
    display: block;
    justify-self: center;
    width: min(240px, 100%);
    height: auto;
    aspect-ratio: 1;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: #ffffff;
  }
  .code {
    display: grid;
    gap: 6px;
  }
  .code label {
    font-size: 0.875em;
    font-weight: 500;
  }
  .code textarea {
    display: block;
    width: 100%;
    margin: 0;
    padding: 10px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_field-background);
    color: var(--_text);
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;
    font-size: 0.8125em;
    line-height: 1.4;
    word-break: break-all;
    resize: none;
  }
  .code textarea:focus {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  .copy-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
  }
  .copy {
    min-height: 44px;
    padding: 10px 16px;
    border: 1px solid var(--_primary);
    border-radius: var(--_radius);
    background: var(--_field-background);
    color: var(--_primary);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .copy:hover {
    background: color-mix(in srgb, var(--_primary) 8%, var(--_field-background));
  }
  .copy:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .copied {
    color: var(--_success);
    font-size: 0.875em;
    font-weight: 500;
  }
  .copied.failed {
    color: var(--_danger);
  }
  .countdown {
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .waiting {
    display: flex;
    align-items: center;
    gap: 10px;
    color: var(--_muted);
  }
  .expired {
    font-size: 1.125em;
    font-weight: 600;
    text-align: center;
  }
  .pay[aria-disabled='true'] {
    opacity: 0.7;
    cursor: progress;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;
