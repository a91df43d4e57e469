import { el } from './dom';

const KEY = 'faultline.adminToken';

/**
 * The admin token, asked once and kept for the browser session (sessionStorage: gone when
 * the tab closes). `faultline up` prints the console's address with the token in its
 * fragment (`#token=…`), which never reaches a server; the page keeps it and clears the
 * address bar.
 */
export class TokenStore {
  private asking?: Promise<string>;

  constructor(private readonly host: HTMLElement) {
    const fragment = /^#token=([^&]+)/.exec(location.hash);
    if (fragment) {
      sessionStorage.setItem(KEY, decodeURIComponent(fragment[1]));
      history.replaceState(null, '', `${location.pathname}${location.search}`);
    }
  }

  /** The token, asking for it (once for every caller waiting) when there is none. */
  token(): Promise<string> {
    const kept = sessionStorage.getItem(KEY);
    if (kept) return Promise.resolve(kept);
    this.asking ??= this.ask().finally(() => (this.asking = undefined));
    return this.asking;
  }

  /** Control refused the token: forget it; the next request asks again, saying why. */
  refused(reason: string): void {
    sessionStorage.removeItem(KEY);
    this.reason = reason;
  }

  private reason = '';

  private ask(): Promise<string> {
    return new Promise((resolve) => {
      const input = el('input', {
        type: 'password',
        name: 'token',
        autocomplete: 'current-password',
        required: true,
        placeholder: 'admin token',
        'aria-label': 'admin token',
      });
      const dialog = el(
        'form',
        { class: 'token-dialog', id: 'token-form' },
        el('h2', {}, 'Control asks for the admin token'),
        el(
          'p',
          {},
          'Locally, ',
          el('code', {}, 'faultline up'),
          ' printed it, with a link that carries it; in Kubernetes, ',
          el('code', {}, 'helm status <release>'),
          ' says how to read it.',
        ),
        this.reason ? el('p', { class: 'form-error', role: 'alert' }, this.reason) : null,
        input,
        el('button', { type: 'submit' }, 'Use this token'),
      );
      dialog.addEventListener('submit', (event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        sessionStorage.setItem(KEY, token);
        this.reason = '';
        dialog.remove();
        resolve(token);
      });
      this.host.append(dialog);
      input.focus();
    });
  }
}
