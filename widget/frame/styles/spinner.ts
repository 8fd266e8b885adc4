import { css } from 'lit';

/**
 * How every `.spinner` turns (each sets its own size and `animation: spin 0.8s linear infinite`),
 * slower for reduced motion. Put it after the styles that set the animation: the override must come later.
 */
export const spinnerMotion = css`
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2.4s;
    }
  }
`;
