/* Structures directory: the map of the results (Leaflet from its wheel), the position picked by a tap on the
   form's map, and "distance" sorting that asks the phone's position only when tapped (never stored). */
(function () {
  "use strict";

  function markerData() {
    var node = document.getElementById("structures-markers");
    return node ? JSON.parse(node.textContent) : [];
  }

  function baseMap(element) {
    var map = window.L.map(element, { scrollWheelZoom: false });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      window.L.tileLayer(tiles, { maxZoom: 19, attribution: element.getAttribute("data-attribution") || "" }).addTo(map);
    }
    return map;
  }

  function showResults(element) {
    var markers = markerData();
    var map = baseMap(element);
    var points = [];
    markers.forEach(function (m) {
      var point = [m.lat, m.lon];
      points.push(point);
      var dot = window.L.circleMarker(point, {
        radius: 8, weight: 2, color: "#fff", fillOpacity: 0.9, fillColor: m.open ? "#1e7b45" : "#1f4e8c"
      }).addTo(map);
      var link = document.createElement("a");
      link.href = "#s-" + m.id;
      link.textContent = m.name;
      dot.bindPopup(link);
    });
    if (points.length === 1) {
      map.setView(points[0], 15);
    } else if (points.length) {
      map.fitBounds(points, { padding: [20, 20], maxZoom: 16 });
    }
  }

  function pickPosition(element) {
    var lat = document.querySelector("[data-map-lat]");
    var lon = document.querySelector("[data-map-lon]");
    var map = baseMap(element);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = window.L.circleMarker(latlng, { radius: 9 }).addTo(map); }
    }
    if (lat && lon && lat.value && lon.value) {
      place([parseFloat(lat.value), parseFloat(lon.value)]);
      map.setView([parseFloat(lat.value), parseFloat(lon.value)], 15);
    } else {
      map.setView([46.6, 2.4], 5);  // France
    }
    map.on("click", function (event) {
      place(event.latlng);
      if (lat && lon) {
        lat.value = event.latlng.lat.toFixed(6);
        lon.value = event.latlng.lng.toFixed(6);
      }
    });
  }

  function initMap() {
    var element = document.getElementById("structures-map");
    if (!element || !window.L) { return; }
    if (element.hasAttribute("data-pick")) { pickPosition(element); } else { showResults(element); }
  }

  function initPosition() {
    var button = document.querySelector("[data-ask-position]");
    if (!button) { return; }
    button.addEventListener("click", function (event) {
      var form = button.form;
      var lat = form.querySelector("[data-position-lat]");
      var lon = form.querySelector("[data-position-lon]");
      var message = form.querySelector("[data-position-message]");
      if (!navigator.geolocation || (lat.value && lon.value)) { return; }
      event.preventDefault();
      message.hidden = false;
      message.textContent = "Localisation en cours…";
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        var sort = document.createElement("input");
        sort.type = "hidden"; sort.name = "tri"; sort.value = "distance";
        form.appendChild(sort);
        form.submit();
      }, function () {
        message.textContent = "Position non disponible : autorisez la localisation, ou triez par nom.";
      }, { timeout: 10000, maximumAge: 60000 });
    });
  }

  function start() { initMap(); initPosition(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
