/**
 * Entry of the payment frame (`/frame/checkout?pk=…&origin=…`, served with a strict CSP):
 * resets the page's margins through a constructed stylesheet and mounts `<pay-frame-app>`.
 */
import { isOrigin } from '../lib/url.ts';
import './app/app.ts';

const params = new URLSearchParams(location.search);
const publishableKey = params.get('pk');
const parentOrigin = params.get('origin');

const page = new CSSStyleSheet();
page.replaceSync('html,body{margin:0;padding:0;background:transparent;overflow:hidden}');
document.adoptedStyleSheets = [...document.adoptedStyleSheets, page];

if (publishableKey && isOrigin(parentOrigin) && window.parent !== window) {
  const app = document.createElement('pay-frame-app');
  app.publishableKey = publishableKey;
  app.parentOrigin = parentOrigin;
  document.body.append(app);
} else {
  document.body.textContent = 'This page is part of a payment form on another site and cannot be used on its own.';
}
