// Sorting the overview of reports (index.html.j2). Numbers compare as numbers (data-sort holds the raw
// value), text compares in Dutch order, empty values sort last either way. The page's Content-Security-Policy
// allows this script by its hash (buitenbeeld.publish.index): it runs exactly as written in this file.
(function () {
  var table = document.getElementById("rapporten");
  if (!table) { return; }
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(cell) { var v = cell.getAttribute("data-sort"); return v === null ? cell.textContent.trim() : v; }
  heads.forEach(function (th, col) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a.cells[col]), y = key(b.cells[col]);
        if (x === "" || y === "") { return (x === "") - (y === ""); }
        var nx = Number(x), ny = Number(y);
        var c = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y, "nl", {sensitivity: "base"}) : nx - ny;
        return ascending ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    });
  });
})();
