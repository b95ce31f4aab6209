// Replaced at serve time by the local stack (or any host) to point the storefront at its API.
window.__HOTSEAT_API__ = window.__HOTSEAT_API__ || "";
