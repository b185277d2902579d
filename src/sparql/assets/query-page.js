// The query page's own script: starts YASGUI on this server's /sparql with the project's prefixes, puts the example queries in a menu, and links the dataset's IRIs in results to this deployment's pages.
(() => {
  const config = JSON.parse(document.getElementById('query-page-config').textContent);
  const endpoint = new URL(config.endpoint, document.baseURI).href;
  const Yasgui = window.Yasgui;
  const Yasr = Yasgui.Yasr;

  // The dataset's IRIs are identifiers under the canonical base, which resolve only where that base redirects;
  // their pages are here, at the public base. The same rule as the server's Iris.href: things under id/ to
  // doc/…, the ontology and its terms to the ontology page (fragment kept), the rest of the base to its path.
  const { base, publicBase, suffix } = config.links;
  const pageOf = (iri) => {
    if (!iri.startsWith(base)) return undefined;
    const rest = iri.slice(base.length);
    const hash = rest.indexOf('#');
    const local = hash >= 0 ? rest.slice(0, hash) : rest;
    const fragment = hash >= 0 ? rest.slice(hash) : '';
    if (local === 'ontology' || local === 'ontology/alignments') return `${publicBase}ontology${suffix}${fragment}`;
    if (local.startsWith('id/') && local.length > 3) return `${publicBase}doc/${local.slice(3)}${suffix}${fragment}`;
    return publicBase + rest;
  };

  // YASR's table writes each IRI as a link to the IRI itself; this one changes only the href of the dataset's
  // own, so the text (the IRI or its prefixed name) stays what the query returned.
  class Table extends Yasr.plugins.table {
    getUriLinkFromBinding(binding, prefixes) {
      const rendered = super.getUriLinkFromBinding(binding, prefixes);
      const page = pageOf(binding.value);
      if (!page) return rendered;
      const template = document.createElement('template');
      template.innerHTML = rendered;
      const a = template.content.querySelector('a');
      if (!a) return rendered;
      a.setAttribute('href', page);
      a.classList.add('local');
      return template.innerHTML;
    }
  }
  Yasr.registerPlugin('table', Table);

  const yasgui = new Yasgui(document.getElementById('yasgui'), {
    requestConfig: { endpoint, method: 'POST' },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
    // Nothing kept in the browser between visits: every visit starts from the prefilled query.
    persistenceId: null,
    // Only completions that need no other server (class and property completion would ask a remote service).
    yasqe: { value: config.defaultQuery, autocompleters: ['variables'], prefixCcApi: null },
  });
  // YASGUI puts its add-tab button inside the tablist, where only tabs may be; it moves beside the list, and tabs
  // added later, which YASGUI inserts before that button, go at the list's end instead.
  const tabsList = document.querySelector('#yasgui .tabsList');
  const addTab = tabsList?.querySelector('.addTab')?.parentElement;
  if (tabsList && addTab) {
    const bar = document.createElement('div');
    bar.className = 'tabsBar';
    tabsList.before(bar);
    bar.append(tabsList, addTab);
    tabsList.insertBefore = (node, before) =>
      Element.prototype.insertBefore.call(tabsList, node, before?.parentNode === tabsList ? before : null);
  }

  const tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  const fromUrl = new URL(window.location.href).searchParams.get('query');
  tab.setQuery(fromUrl ?? config.defaultQuery);

  // YASGUI's endpoint field has a placeholder but no label; a tab opened later gets its own field, labelled as
  // it is added.
  const label = () => {
    for (const input of document.querySelectorAll('#yasgui input.autocomplete:not([aria-label])')) {
      input.setAttribute('aria-label', config.labels.endpoint);
    }
  };
  label();
  new MutationObserver(label).observe(document.getElementById('yasgui'), { childList: true, subtree: true });

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
