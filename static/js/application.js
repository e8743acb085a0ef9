// VCS Portal front-end entry point. Loaded at the end of <body> with
//   <script type="module" src="{% static 'js/application.js' %}"></script>
// There is no inline script anywhere: the Content Security Policy forbids it.
//
// The imported bundles are copied into static/dist/ by `npm run build`.
// Imports are relative so they resolve under whatever STATIC_URL serves this file.

import { initAll as initGovukFrontend } from '../dist/govuk-frontend.min.js'
import { initAll as initMojFrontend } from '../dist/moj-frontend.min.js'
import { initAutocompletes } from './autocomplete.js'

// GOV.UK Frontend's page template sets these classes with an inline script.
// A module script only runs in browsers that support ES modules, which is what
// `govuk-frontend-supported` means; MoJ Frontend styles still use `js-enabled`.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovukFrontend()
initMojFrontend()
initAutocompletes()

// GOV.UK Frontend marks a radio that reveals a conditional question with aria-expanded, which
// ARIA 1.2 does not allow on a radio (axe: aria-allowed-attr, critical; GOV.UK lists it as a
// known issue, alphagov/govuk-frontend#979). The revealed question follows its radio in the page,
// so nothing is lost by removing it: remove it whenever GOV.UK Frontend sets it.
function dropRadioExpanded (radio) {
  if (radio.hasAttribute('aria-expanded')) radio.removeAttribute('aria-expanded')
}
const radios = document.querySelectorAll('input[type="radio"][aria-controls]')
radios.forEach(dropRadioExpanded)
const observer = new MutationObserver((changes) => changes.forEach((change) => dropRadioExpanded(change.target)))
radios.forEach((radio) => observer.observe(radio, { attributes: true, attributeFilter: ['aria-expanded'] }))
