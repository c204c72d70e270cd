// 长辈模式, the mode for older readers (适老化): larger text and click targets, stronger contrast, no
// decoration. The mode is the attribute data-elder-mode on <html>, styled by the rules at the end
// of main.css, and the choice is kept in this browser (localStorage), so it holds on every page and
// visit. This script is loaded in <head>, before the page is drawn, so a reader who chose the mode
// never sees the page flash at the ordinary size. It also marks <html> with data-elder-switch, which
// shows the header button (main.css) in the page's first layout: shown later, it would push the page
// down on a phone. Without JavaScript the button stays hidden.
(function () {
  "use strict";
  var ATTRIBUTE = "data-elder-mode";
  var KEY = "elder-mode";
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY) === "on";
    } catch (error) {
      return false; // storage blocked: the mode lasts for the page only
    }
  }

  function store(on) {
    try {
      if (on) window.localStorage.setItem(KEY, "on");
      else window.localStorage.removeItem(KEY);
    } catch (error) {
      // storage blocked: the mode lasts for the page only
    }
  }

  function apply(on) {
    if (on) root.setAttribute(ATTRIBUTE, "");
    else root.removeAttribute(ATTRIBUTE);
  }

  apply(stored());
  root.setAttribute("data-elder-switch", "");

  function connect() {
    var button = document.getElementById("elder-mode-toggle");
    if (!button) return;
    function show() {
      button.setAttribute("aria-pressed", root.hasAttribute(ATTRIBUTE) ? "true" : "false");
    }
    function follow() {
      apply(stored());
      show();
    }
    button.addEventListener("click", function () {
      var on = !root.hasAttribute(ATTRIBUTE);
      apply(on);
      store(on);
      show();
    });
    // A page shown again by the back button, or the choice changed in another tab.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) follow();
    });
    window.addEventListener("storage", function (event) {
      if (event.key === KEY || event.key === null) follow();
    });
    show();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();
