// Live chat: asks the feed for messages newer than the last one shown and appends them.
// Without this script the page still works: sending reloads it with every message.
(function () {
  "use strict";
  var list = document.getElementById("chat-messages");
  if (!list || !window.fetch) {
    return;
  }
  var feed = list.getAttribute("data-feed");
  var after = parseInt(list.getAttribute("data-after"), 10) || 0;

  function append(message) {
    var item = document.createElement("li");
    item.className = "message message-" + (message.side === "staff" ? "staff" : "subscriber");
    item.setAttribute("data-side", message.side);
    var head = document.createElement("p");
    head.className = "message-head";
    var who = document.createElement("strong");
    who.textContent = message.who;
    var when = document.createElement("time");
    when.setAttribute("datetime", message.time);
    when.textContent = message.shown_time;
    head.appendChild(who);
    head.appendChild(document.createTextNode(", "));
    head.appendChild(when);
    var text = document.createElement("p");
    text.className = "message-text";
    text.textContent = message.text;  // text only: a message never becomes markup
    item.appendChild(head);
    item.appendChild(text);
    list.appendChild(item);
    var empty = document.getElementById("chat-empty");
    if (empty) {
      empty.remove();
    }
  }

  function poll() {
    fetch(feed + "?after=" + after, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        data.messages.forEach(function (message) {
          if (message.id > after) {
            append(message);
            after = message.id;
          }
        });
        if (data.status === "open") {
          // retry_after: every waiting place of the server is taken; ask again a little later.
          window.setTimeout(poll, data.retry_after ? data.retry_after * 1000 : 300);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);  // the server or the network is away: try again later
      });
  }

  poll();
})();
