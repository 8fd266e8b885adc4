import { css } from 'lit';

/**
 * Added to the card form's shadow root by `<pay-surcharge>` (which renders into light DOM, like
 * the fields), so the entry's styles stay as they are: the surcharge line above the pay button,
 * its retry button, and the billing state select when flagged.
 */
export const surchargeStyles = css`
  pay-surcharge {
    display: contents;
  }
  .surcharge {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 4px 12px;
    font-size: 0.9375em;
  }
  /* Nothing to say: out of the form's grid (no gap), but still there as a live region. */
  .surcharge:has(p:empty) {
    position: absolute;
  }
  .surcharge p {
    margin: 0;
  }
  .surcharge.failed p {
    color: var(--_danger);
  }
  .field select[aria-invalid='true'] {
    border-color: var(--_danger);
    box-shadow: 0 0 0 1px var(--_danger);
  }
`;
