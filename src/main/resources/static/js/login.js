// Logging in to the demo page: a name in demo mode (the server signs a demo token), a pasted
// JWT otherwise.

const RENEW_BEFORE_MS = 30000;   // a token this close to its expiry is renewed before connecting

/** Demo mode serves /auth/demo-token; elsewhere it is a 404 and the page asks for a token. */
export async function detectDemoMode() {
  try {
    const response = await fetch('auth/demo-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return response.status !== 404;
  } catch (error) {
    return true;
  }
}

export async function demoToken(user) {
  const response = await fetch('auth/demo-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: user.userId, name: user.name }),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.message || `HTTP ${response.status}`);
  }
  return (await response.json()).token;
}

/** The user a demo name stands for. */
export function demoUser(name) {
  const display = name.trim();
  if (!display) {
    throw new Error('Pick a name first');
  }
  return { userId: display.toLowerCase().replace(/\s+/g, '-').slice(0, 128), name: display.slice(0, 64) };
}

/** The user a JWT names; its signature is the server's business. */
export function userFromToken(token) {
  const claims = claimsOf(token);
  if (!claims.sub) {
    throw new Error('The token has no sub claim');
  }
  return { userId: claims.sub, name: claims.name || claims.sub };
}

/** Whether a token expires within the next half minute (false when it cannot tell). */
export function expiresSoon(token) {
  try {
    const { exp } = claimsOf(token);
    return typeof exp === 'number' && exp * 1000 - Date.now() < RENEW_BEFORE_MS;
  } catch (error) {
    return false;
  }
}

function claimsOf(token) {
  const parts = (token || '').split('.');
  if (parts.length !== 3) {
    throw new Error('That is not a JWT');
  }
  const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(decodeURIComponent(escape(json)));
}

export function loadSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem('stompbox.session') || 'null');
    return (saved && saved.token && saved.user) ? saved : null;
  } catch (error) {
    return null;
  }
}

export function saveSession(token, user) {
  sessionStorage.setItem('stompbox.session', JSON.stringify({ token, user }));
}

export function forgetSession() {
  sessionStorage.removeItem('stompbox.session');
}
