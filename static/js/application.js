// VCS Portal front-end entry point. Loaded at the end of <body> with
//   <script type="module" src="{% static 'js/application.js' %}"></script>
// There is no inline script anywhere: the Content Security Policy forbids it.
//
// The imported bundles are copied into static/dist/ by `npm run build`.
// Imports are relative so they resolve under whatever STATIC_URL serves this file.

import { initAll as initGovukFrontend } from '../dist/govuk-frontend.min.js'
import { initAll as initMojFrontend } from '../dist/moj-frontend.min.js'

// GOV.UK Frontend's page template sets these classes with an inline script.
// A module script only runs in browsers that support ES modules, which is what
// `govuk-frontend-supported` means; MoJ Frontend styles still use `js-enabled`.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovukFrontend()
initMojFrontend()
