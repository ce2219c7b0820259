// The gateway of the sample medical platform: one HTTP service, built into the one image per commit.
package main

import (
	"fmt"
	"log"
	"net/http"

	"github.com/google/uuid"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/api/v1/devices", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", uuid.NewString())
		fmt.Fprintln(w, `[{"id":"infusion-pump-7","status":"online"}]`)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
