import 'uplot/dist/uPlot.min.css';
import './style.css';
import { DashboardApi } from './api.js';
import { DashboardApp } from './app.js';
import { brokerUrl, connectOperator } from './connect.js';
import { renderLogin } from './login.js';

/**
 * The operators' dashboard, in the browser. The server tells it where the broker's MQTT-over-WebSocket
 * listener is (a <meta> tag); the operator's credentials come only from the login form.
 */
const root = document.getElementById('app') as HTMLElement;
const meta = (name: string) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
const url = brokerUrl(meta('tidegate-mqtt') || '/mqtt', location);
const prefix = meta('tidegate-prefix') || 'tidegate';

function showLogin(notice?: string): void {
  renderLogin(
    root,
    async (username, password) => {
      const client = await connectOperator(url, username, password);
      new DashboardApp(root, client, new DashboardApi(username, password), username, showLogin, prefix);
    },
    notice,
  );
}

showLogin();
