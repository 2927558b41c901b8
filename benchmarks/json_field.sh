# Sourced by the benchmark scripts: field FILE.json PATH prints one value of a JSON file ("a.b.c").
field() {
  node -e 'let v = JSON.parse(require("fs").readFileSync(process.argv[1]));
           for (const k of process.argv[2].split(".")) v = v[k];
           process.stdout.write(String(v));' "$1" "$2"
}
