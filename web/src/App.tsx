// The shell: restores the session from its cookie, then shows the signed-in pages (chosen by
// the URL's hash, so the server serves one page) or the register and log-in forms.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { api, refreshSession, session } from './api/client';
import { Audit } from './pages/Audit';
import { AuthPage } from './pages/AuthPage';
import { Dashboard } from './pages/Dashboard';
import { History } from './pages/History';
import { Insights } from './pages/Insights';
import { useMe } from './pages/Plan';
import { SendMoney } from './pages/SendMoney';
import { TopUp } from './pages/TopUp';

const PAGES = {
  '#/': { title: 'Wallets', Page: Dashboard },
  '#/send': { title: 'Send money', Page: SendMoney },
  '#/top-up': { title: 'Top up', Page: TopUp },
  '#/history': { title: 'History', Page: History },
  '#/insights': { title: 'Insights', Page: Insights },
  '#/audit': { title: 'Audit', Page: Audit, roles: ['auditor', 'admin'] },
} as const;
type Route = keyof typeof PAGES;

const routeOf = (hash: string): Route => (hash in PAGES ? (hash as Route) : '#/');

function useRoute(): Route {
  const [route, setRoute] = useState(routeOf(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function App() {
  const token = useSyncExternalStore(session.subscribe, session.token);
  const [restoring, setRestoring] = useState(true);
  const route = useRoute();
  const queryClient = useQueryClient();
  const me = useMe(token !== null && !restoring);
  useEffect(() => {
    void refreshSession().finally(() => setRestoring(false));
  }, []);
  useEffect(() => {
    if (token === null) queryClient.clear();
  }, [token, queryClient]);
  if (restoring) return <main><p>Loading…</p></main>;
  if (token === null) return <AuthPage />;
  const { title, Page } = PAGES[route];
  const logOut = async () => {
    await api.POST('/v1/auth/logout');
    session.set(null);
  };
  return (
    <>
      <header>
        <nav aria-label="Main">
          {/* Pages for some roles only (the API refuses the others anyway). */}
          {Object.entries(PAGES)
            .filter(([, page]) => !('roles' in page)
              || page.roles.some((role) => me.data?.roles.includes(role)))
            .map(([hash, page]) => (
            <a key={hash} href={hash} aria-current={hash === route ? 'page' : undefined}>
              {page.title}
            </a>
          ))}
          <button type="button" onClick={() => void logOut()}>Log out</button>
        </nav>
      </header>
      <main>
        <h1>{title}</h1>
        <Page />
      </main>
    </>
  );
}
