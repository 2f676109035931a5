// crampcheck: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // The diary's log form: send the browser's time zone, so a night cramp lands on the right night.
  document.querySelectorAll("input.js-tz").forEach(function (input) {
    input.value = String(-new Date().getTimezoneOffset());
  });
  // The hold timer on "Cramp now": start, stop and start again, in large digits.
  var box = document.querySelector(".timer");
  if (!box) { return; }
  var count = box.querySelector(".timer-count");
  var shown = document.createElement("span");
  shown.className = "timer-js";
  shown.textContent = "0";
  count.insertBefore(shown, count.firstChild);
  var button = document.createElement("button");
  button.type = "button";
  button.className = "big";
  button.textContent = box.dataset.start;
  var reload = box.querySelector("a.button");
  if (reload) { reload.parentNode.replaceChild(button, reload); } else { box.appendChild(button); }
  var started = null, timer = null;
  function tick() {
    shown.textContent = String(Math.floor((Date.now() - started) / 1000));
  }
  button.addEventListener("click", function () {
    if (timer) {
      clearInterval(timer); timer = null;
      button.textContent = box.dataset.reset;
      return;
    }
    started = Date.now(); tick();
    timer = setInterval(tick, 250);
    button.textContent = box.dataset.stop;
  });
})();
