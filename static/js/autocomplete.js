// Search-as-you-type for long lists: each <select data-module="app-autocomplete"> becomes
// alphagov's accessible-autocomplete (progressive enhancement: without JavaScript, or if the
// library fails to load, the <select> works as before and is what the form submits).
//
// The library is a classic (UMD) script that sets window.accessibleAutocomplete. It is copied
// from node_modules/accessible-autocomplete by `npm run build`, and loaded only on pages that
// need it, with a <script src> and <link> under 'self', so the strict CSP holds: the library
// sets styles through the CSSOM (element.style), which style-src 'self' allows.

const here = import.meta.url

function load (tag, attributes) {
  return new Promise((resolve, reject) => {
    const element = document.createElement(tag)
    Object.assign(element, attributes)
    element.addEventListener('load', resolve)
    element.addEventListener('error', reject)
    document.head.appendChild(element)
  })
}

export async function initAutocompletes (root = document) {
  const selects = root.querySelectorAll('select[data-module="app-autocomplete"]')
  if (!selects.length) return
  try {
    await Promise.all([
      load('link', { rel: 'stylesheet', href: new URL('../dist/accessible-autocomplete.min.css', here).href }),
      window.accessibleAutocomplete ? null : load('script', { src: new URL('../dist/accessible-autocomplete.min.js', here).href })
    ])
  } catch {
    return // The library is not there: keep the <select>.
  }
  for (const select of selects) {
    const empty = select.querySelector('option[value=""]')
    const id = select.id // the search box takes it; the select becomes id-select
    const describedBy = (select.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      // Show every option on focus or arrow-down too, so the list can still be browsed.
      showAllValues: true,
      dropdownArrow: () => '',
      defaultValue: '',
      placeholder: empty ? empty.textContent.trim() : '',
      // Any word of an option, not only its start: "wounding" finds "Wounding with intent".
      source: (query, populate) => {
        const words = query.toLowerCase().split(/\s+/).filter(Boolean)
        populate(
          [...select.options]
            .filter((option) => option.value)
            .map((option) => option.textContent.trim())
            .filter((label) => words.every((word) => label.toLowerCase().includes(word)))
        )
      },
      tNoResults: () => 'No offence matches: try another word',
      tStatusQueryTooShort: (n) => `Type ${n} or more characters for results`,
      // A field in error keeps GOV.UK's red border on the input that replaces the select.
      inputClasses: select.closest('.govuk-form-group--error') ? 'govuk-input--error' : null
    })
    keepDescribedBy(document.getElementById(id), describedBy)
  }
}

// The search box describes itself only by the library's own usage hint, and drops even that once
// typed in (alphagov/accessible-autocomplete#589, open): the field's hint and error message, which
// the select named in aria-describedby, would go unheard. Put them first, and back each time the
// library rewrites the attribute.
function keepDescribedBy (input, ids) {
  if (!input || !ids.length) return
  const link = () => {
    const current = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)
    const wanted = [...ids, ...current.filter((each) => !ids.includes(each))]
    if (wanted.join(' ') !== current.join(' ')) input.setAttribute('aria-describedby', wanted.join(' '))
  }
  link()
  new window.MutationObserver(link).observe(input, { attributes: true, attributeFilter: ['aria-describedby'] })
}
