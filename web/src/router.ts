import { useEffect, useState } from 'preact/hooks';

/** Where the page is: the hash path (#/jobs/12) and its query (#/jobs?state=dead). */
export interface Route {
  path: string;
  params: URLSearchParams;
}

function current(): Route {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = hash.split('?');
  return { path, params: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export const href = (path: string, params: Record<string, string | undefined> = {}): string => {
  const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();
  return `#${path}${search ? `?${search}` : ''}`;
};

export const navigate = (path: string, params: Record<string, string | undefined> = {}): void => {
  location.hash = href(path, params);
};
