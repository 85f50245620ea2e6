// Live preview of the theme screen: the preview and the WCAG 2.x contrast ratios follow the colour inputs.
(function () {
  "use strict";
  var form = document.getElementById("theme-form");
  if (!form) { return; }
  function luminance(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }
  function ratio(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function show(id, value) {
    var element = document.getElementById(id);
    element.textContent = value.toFixed(2) + ":1";
    element.className = "ratio " + (value >= 4.5 ? "ok" : "low");
  }
  function update() {
    var primary = form.primaryColor.value, buttonText = form.buttonTextColor.value;
    var background = form.backgroundColor.value, text = form.textColor.value;
    var preview = document.getElementById("preview"), button = document.getElementById("preview-button");
    preview.style.background = background;
    preview.style.color = text;
    button.style.background = primary;
    button.style.color = buttonText;
    show("text-ratio", ratio(text, background));
    show("button-ratio", ratio(buttonText, primary));
  }
  form.addEventListener("input", update);
})();
