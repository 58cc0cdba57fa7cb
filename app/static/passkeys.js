// Passkeys: add one, log in with one (the cabinet's security and login pages, the console).
// The server sends py_webauthn's JSON options and checks what comes back; this file only
// turns base64url into bytes and back around navigator.credentials.
(function () {
  "use strict";
  if (window.portalPasskeys) return; // both partials on one page load this file once
  window.portalPasskeys = true;

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
  }

  function toText(buffer) {
    var binary = String.fromCharCode.apply(null, new Uint8Array(buffer));
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function supported() {
    return Boolean(window.PublicKeyCredential && navigator.credentials && window.fetch);
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || "");
        return data;
      });
    });
  }

  function withIds(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
      excludeCredentials: withIds(options.excludeCredentials)
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      allowCredentials: withIds(options.allowCredentials)
    });
  }

  function credentialJson(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toText(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      if (response.userHandle) json.response.userHandle = toText(response.userHandle);
    }
    return json;
  }

  // Shows the controls where passkeys can work; the note explains when they cannot.
  function start(root, run) {
    var controls = root.querySelector("[data-passkey-controls]");
    var note = root.querySelector("[data-passkey-unsupported]");
    var error = root.querySelector("[data-passkey-error]");
    if (!supported() || !controls) return;
    controls.hidden = false;
    if (note) note.hidden = true;
    var busy = false;
    function go(event) {
      event.preventDefault();
      if (busy) return;
      busy = true;
      error.textContent = "";
      run(root).then(function (data) {
        window.location.assign(data.redirect);
      }).catch(function (failure) {
        busy = false;
        error.textContent = (failure && failure.message) || root.dataset.error;
      });
    }
    var form = controls.tagName === "FORM" ? controls : null;
    if (form) form.addEventListener("submit", go);
    else root.querySelector("[data-passkey-start]").addEventListener("click", go);
  }

  function register(root) {
    var csrf = root.querySelector("input[name=csrf_token]").value;
    var name = root.querySelector("input[name=passkey_name]");
    return post(root.dataset.optionsUrl, csrf).then(function (options) {
      return navigator.credentials.create({ publicKey: creationOptions(options) });
    }).catch(function (failure) {
      // The person closed the dialog, or the browser refused: say it plainly.
      if (failure && failure.name && failure.name !== "Error") throw new Error(root.dataset.error);
      throw failure;
    }).then(function (credential) {
      return post(root.dataset.verifyUrl, csrf, {
        credential: credentialJson(credential),
        name: name ? name.value : "",
        next: root.dataset.next
      });
    });
  }

  function logIn(root) {
    var csrf = root.querySelector("input[name=csrf_token]").value;
    return post(root.dataset.optionsUrl, csrf).then(function (options) {
      return navigator.credentials.get({ publicKey: requestOptions(options) });
    }).catch(function (failure) {
      if (failure && failure.name && failure.name !== "Error") throw new Error(root.dataset.error);
      throw failure;
    }).then(function (credential) {
      return post(root.dataset.verifyUrl, csrf, { credential: credentialJson(credential) });
    });
  }

  function init() {
    document.querySelectorAll("[data-passkey-register]").forEach(function (root) {
      start(root, register);
    });
    document.querySelectorAll("[data-passkey-login]").forEach(function (root) {
      start(root, logIn);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
