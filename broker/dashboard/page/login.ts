import { h } from './dom.js';

/**
 * The login form. It hands the credentials to `onSubmit` and clears the password field at once:
 * the page never writes them to its URL, storage or code.
 */
export function renderLogin(
  root: HTMLElement,
  onSubmit: (username: string, password: string) => Promise<void>,
  notice?: string,
): void {
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const message = h('p', { id: 'login-message', class: 'login-message', role: 'alert' }, notice ?? '');
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'login', method: 'post', action: '#' },
    h('h1', {}, 'tidegate'),
    h('p', { class: 'login-sub' }, 'Operators’ live view of gateways and sensors'),
    h('label', { for: 'login-user' }, 'Operator account'),
    user,
    h('label', { for: 'login-password' }, 'Password'),
    pass,
    button,
    message,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const password = pass.value;
    pass.value = '';
    button.disabled = true;
    message.textContent = 'Connecting…';
    message.className = 'login-message';
    onSubmit(user.value, password).catch((err: Error) => {
      button.disabled = false;
      message.textContent = err.message;
      message.className = 'login-message refused';
      pass.focus();
    });
  });
  root.replaceChildren(form);
  user.focus();
}
