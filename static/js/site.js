// API Architect: progressive enhancement only. Every control here also works
// as a plain form post without JavaScript.
(function () {
  "use strict";

  var YEAR = 365 * 24 * 3600;

  function setCookie(name, value) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = name + "=" + encodeURIComponent(value) + "; Path=/; Max-Age=" + YEAR + "; SameSite=Lax" + secure;
    syncToAccount(name === "code_lang" ? "language" : name, value);
  }

  // Logged-in learners keep their choices on the account, so another browser gets them too.
  function syncToAccount(field, value) {
    var form = document.getElementById("code-lang-form");
    if (!document.body.hasAttribute("data-signed-in") || !form || !window.fetch) return;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append(field, value);
    fetch("/preferences/sync/", { method: "POST", body: body, credentials: "same-origin" });
  }

  // --- Code tabs: WAI-ARIA tabs pattern, one language across the whole site.
  function selectLanguage(lang) {
    document.querySelectorAll(".code-tabs").forEach(function (group) {
      var tabs = group.querySelectorAll('[role="tab"]');
      var has = Array.prototype.some.call(tabs, function (t) { return t.dataset.lang === lang; });
      if (!has) return;
      tabs.forEach(function (tab) {
        var on = tab.dataset.lang === lang;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        var panel = document.getElementById(tab.getAttribute("aria-controls"));
        if (panel) panel.hidden = !on;
      });
    });
  }

  function activate(tab, focus) {
    // Keep the clicked tab where it is on screen while groups above it change height.
    var before = tab.getBoundingClientRect().top;
    selectLanguage(tab.dataset.lang);
    setCookie("code_lang", tab.dataset.lang);
    var after = tab.getBoundingClientRect().top;
    if (after !== before) window.scrollBy(0, after - before);
    if (focus) tab.focus();
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest('.code-tabs [role="tab"]');
    if (!tab) return;
    event.preventDefault();
    activate(tab, false);
  });

  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest('.code-tabs [role="tab"]');
    if (!tab) return;
    var tabs = Array.prototype.slice.call(tab.parentElement.querySelectorAll('[role="tab"]'));
    var index = tabs.indexOf(tab);
    var next = null;
    if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (!next) return;
    event.preventDefault();
    activate(next, true);
  });

  // --- Theme: system / light / dark, applied at once and remembered.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-choice]");
    if (!button) return;
    event.preventDefault();
    var theme = button.dataset.themeChoice;
    document.documentElement.setAttribute("data-theme", theme);
    document.querySelectorAll("[data-theme-choice]").forEach(function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    setCookie("theme", theme);
  });

  // --- Exercise editor: jump to a line the feedback names; Ctrl+Enter submits.
  function goToLine(line, column) {
    if (window.apiArchitectEditor) return window.apiArchitectEditor.goToLine(line, column);
    var editor = document.getElementById("snippet");
    if (!editor) return;
    var lines = editor.value.split("\n");
    var target = Math.max(1, Math.min(line, lines.length));
    var offset = 0;
    for (var i = 0; i < target - 1; i++) offset += lines[i].length + 1;
    var end = offset + lines[target - 1].length;
    var start = column ? Math.min(offset + column - 1, end) : offset;
    editor.focus();
    editor.setSelectionRange(start, column ? start : end);
    var lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 20;
    editor.scrollTop = Math.max(0, (target - 3) * lineHeight);
  }

  document.addEventListener("click", function (event) {
    var ref = event.target.closest(".line-ref");
    if (!ref) return;
    event.preventDefault();
    goToLine(parseInt(ref.dataset.line, 10), parseInt(ref.dataset.column || "0", 10));
  });

  document.addEventListener("keydown", function (event) {
    if (event.target.id === "snippet" && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      var form = event.target.form;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });

  // Tint the lines the feedback points at (failed checks and read errors).
  function flagFeedbackLines() {
    if (!window.apiArchitectEditor) return;
    var refs = document.querySelectorAll("#feedback .check--failed .line-ref, #feedback .feedback__summary--error .line-ref");
    var lines = Array.prototype.map.call(refs, function (ref) { return parseInt(ref.dataset.line, 10); });
    window.apiArchitectEditor.flagLines(lines);
  }

  // After htmx swaps new feedback in, move focus there so it is read out.
  document.addEventListener("htmx:afterSwap", function (event) {
    var feedback = document.getElementById("feedback");
    if (feedback && event.detail.target && event.detail.target.id === "feedback") {
      feedback.focus();
      flagFeedbackLines();
    }
  });
  window.addEventListener("load", flagFeedbackLines);

  // --- FAQ: opening /faq/#slug opens that answer.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", function () {
    openTarget();
    highlightToc();
  });

  // --- Table of contents: mark the section being read.
  function highlightToc() {
    var links = document.querySelectorAll(".toc a[href^='#']");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    links.forEach(function (a) { byId[decodeURIComponent(a.getAttribute("href").slice(1))] = a; });
    var headings = Object.keys(byId).map(function (id) { return document.getElementById(id); }).filter(Boolean);
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        links.forEach(function (a) { a.removeAttribute("aria-current"); });
        var link = byId[entry.target.id];
        if (link) link.setAttribute("aria-current", "true");
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    headings.forEach(function (h) { observer.observe(h); });
  }
  // --- Code blocks: a copy button on each (without JavaScript there is none, and the code is still selectable).
  function addCopyButtons(root) {
    root.querySelectorAll(".highlight").forEach(function (block) {
      var pre = block.querySelector("pre");
      if (!pre || block.querySelector(".code-copy")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.setAttribute("aria-live", "polite");  // "Copied" is read out
      block.appendChild(button);
      setCopyLabel(button, "Copy");
    });
  }

  function setCopyLabel(button, text) {
    var label = button.parentElement ? button.parentElement.getAttribute("data-lang") : null;
    button.textContent = text;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = text === "Copy" ? (label ? " the " + label + " code" : " the code") : "";
    if (hidden.textContent) button.appendChild(hidden);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Plain HTTP (not localhost): the Clipboard API is not offered; fall back to a hidden selection.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".code-copy");
    if (!button) return;
    var code = button.parentElement.querySelector("pre code") || button.parentElement.querySelector("pre");
    var text = code.textContent.replace(/\n$/, "");
    copyText(text).then(function () {
      setCopyLabel(button, "Copied");
    }, function () {
      setCopyLabel(button, "Copy failed: select the code and copy it");
    });
    setTimeout(function () { setCopyLabel(button, "Copy"); }, 2000);
  });
  document.addEventListener("DOMContentLoaded", function () { addCopyButtons(document); });
  document.addEventListener("htmx:afterSwap", function (event) { addCopyButtons(event.detail.target || document); });

  // --- "/" goes to search: the search box on the search page, the search page elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], .cm-editor")) return;
    var box = document.querySelector("[data-search-input]");
    event.preventDefault();
    if (box) {
      box.focus();
      box.select();
    } else {
      var link = document.querySelector("[data-search-link]");
      if (link) location.href = link.href;
    }
  });
})();
