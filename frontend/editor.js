// The exercise editor: CodeMirror 6 over the plain <textarea>, which stays in
// the form (hidden) and is kept in sync, so submitting works exactly as it
// does without JavaScript. Tab indents (indentWithTab); Escape then Tab moves
// focus on (CodeMirror's tab focus mode), as the help under the editor says,
// so keyboard users are never trapped.
import { Decoration, EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection, highlightSpecialChars } from "@codemirror/view";
import { EditorState, EditorSelection, StateEffect, StateField } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, bracketMatching, indentOnInput, StreamLanguage } from "@codemirror/language";
import { classHighlighter } from "@lezer/highlight";
import { json } from "@codemirror/lang-json";
import { yaml } from "@codemirror/lang-yaml";
import { python } from "@codemirror/lang-python";
import { http } from "@codemirror/legacy-modes/mode/http";

const LANGUAGES = {
  json: () => json(),
  yaml: () => yaml(),
  python: () => python(),
  http: () => StreamLanguage.define(http),
};

// Lines the last feedback pointed at, tinted until the learner edits them.
const setFlagged = StateEffect.define();
const flaggedLines = StateField.define({
  create: () => Decoration.none,
  update(decorations, tr) {
    decorations = decorations.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setFlagged)) {
        const doc = tr.state.doc;
        const marks = [...new Set(effect.value)]
          .filter((n) => n >= 1 && n <= doc.lines)
          .sort((a, b) => a - b)
          .map((n) => Decoration.line({ class: "cm-flagged-line", attributes: { title: "The feedback points at this line" } }).range(doc.line(n).from));
        decorations = Decoration.set(marks);
      }
    }
    return decorations;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function enhance(textarea) {
  const form = textarea.form;
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const nonce = document.querySelector('meta[name="csp-nonce"]')?.content;
  const language = LANGUAGES[textarea.dataset.language];
  const extensions = [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    highlightActive(),
    syntaxHighlighting(classHighlighter),
    flaggedLines,
    keymap.of([
      { key: "Mod-Enter", run: () => { form.requestSubmit ? form.requestSubmit() : form.submit(); return true; } },
      ...defaultKeymap,
      ...historyKeymap,
      indentWithTab,
    ]),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) textarea.value = update.state.doc.toString();
    }),
    EditorView.contentAttributes.of({
      "aria-label": label ? label.textContent.trim() : "Your answer",
      "aria-describedby": textarea.getAttribute("aria-describedby") || "",
      "aria-multiline": "true",
      // Already in the tab order (contenteditable); saying so lets checkers see the scroller is reachable.
      tabindex: "0",
      spellcheck: "false",
      autocapitalize: "off",
      autocorrect: "off",
    }),
  ];
  // Through the facet, not classList: CodeMirror rewrites the editor's class attribute on updates.
  extensions.push(EditorView.editorAttributes.of({ class: "editor-cm" }));
  if (language) extensions.push(language());
  if (nonce) extensions.push(EditorView.cspNonce.of(nonce));

  const view = new EditorView({
    state: EditorState.create({ doc: textarea.value, extensions }),
  });
  textarea.insertAdjacentElement("afterend", view.dom);
  textarea.hidden = true;
  if (label) label.addEventListener("click", () => view.focus());

  // The form may be reset or refilled (e.g. opening an old attempt): follow the textarea.
  textarea.addEventListener("input", () => {
    if (textarea.value !== view.state.doc.toString()) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: textarea.value } });
    }
  });

  return {
    view,
    goToLine(line, column) {
      const doc = view.state.doc;
      const target = doc.line(Math.max(1, Math.min(line, doc.lines)));
      const anchor = column ? Math.min(target.from + column - 1, target.to) : target.from;
      view.dispatch({
        selection: column ? EditorSelection.cursor(anchor) : EditorSelection.range(target.from, target.to),
        effects: EditorView.scrollIntoView(anchor, { y: "center" }),
      });
      view.focus();
    },
    value() {
      return view.state.doc.toString();
    },
    flagLines(lines) {
      view.dispatch({ effects: setFlagged.of(lines) });
    },
  };
}

function highlightActive() {
  return highlightActiveLine();
}

function init() {
  const textarea = document.querySelector("textarea.editor");
  if (textarea && !window.apiArchitectEditor) window.apiArchitectEditor = enhance(textarea);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
