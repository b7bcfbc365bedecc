// ContactKit studio: the little script the pages use. The server renders and
// escapes every value; this only wires clicks.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // A click on a row's blank space opens the profile window (links and buttons in
  // the row keep their own behaviour).
  for (const row of document.querySelectorAll("tr[data-href]")) {
    row.addEventListener("click", (event) => {
      if (event.target.closest("a, button, input, label")) return;
      window.location.assign(row.dataset.href);
    });
  }

  // The preview icon opens the contact's preview in a window over the table.
  const dialog = document.getElementById("preview");
  for (const link of document.querySelectorAll("a[data-preview]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      const response = await fetch(link.dataset.preview, { credentials: "same-origin" });
      if (!response.ok) {
        window.location.assign(link.href);
        return;
      }
      // The fragment is the server's own HTML, every value in it already escaped.
      dialog.querySelector(".preview-body").innerHTML = await response.text();
      dialog.showModal();
    });
  }

  // Choosing a period shows it at once.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});
