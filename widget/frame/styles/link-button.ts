import { css } from 'lit';

/** A small button that reads as a link ("Remove", "Try again"): `class="link"`. */
export const linkButtonStyles = css`
  .link {
    min-height: 24px;
    padding: 0 2px;
    border: 0;
    background: none;
    color: var(--_primary);
    font: inherit;
    text-decoration: underline;
    cursor: pointer;
  }
  .link[aria-disabled='true'] {
    opacity: 0.6;
    cursor: progress;
  }
  .link:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
`;
