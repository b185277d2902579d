// The query page's own script: starts YASGUI on this server's /sparql with the project's prefixes and puts the example queries in a menu.
(() => {
  const config = JSON.parse(document.getElementById('query-page-config').textContent);
  const endpoint = new URL(config.endpoint, document.baseURI).href;
  const Yasgui = window.Yasgui;
  const yasgui = new Yasgui(document.getElementById('yasgui'), {
    requestConfig: { endpoint, method: 'POST' },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
    // Nothing kept in the browser between visits: every visit starts from the prefilled query.
    persistenceId: null,
    // Only completions that need no other server (class and property completion would ask a remote service).
    yasqe: { value: config.defaultQuery, autocompleters: ['variables'], prefixCcApi: null },
  });
  const tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  const fromUrl = new URL(window.location.href).searchParams.get('query');
  tab.setQuery(fromUrl ?? config.defaultQuery);

  const menu = document.getElementById('examples');
  const note = document.getElementById('example-note');
  menu.addEventListener('change', () => {
    const example = config.examples.find((e) => e.name === menu.value);
    if (!example) return;
    note.hidden = !example.api;
    if (example.api) document.getElementById('example-api').href = example.api;
    const current = yasgui.getTab();
    current.setQuery(example.query);
    current.getYasqe().focus();
  });
  window.npcscQueryPage = { yasgui };
})();
