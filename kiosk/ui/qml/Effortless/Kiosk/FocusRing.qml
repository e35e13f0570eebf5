import QtQuick

// Where the keyboard focus is: two rings round the item it is put in, dark outside and
// light inside, so one of them reaches 3:1 against any background the item sits on, the
// screens' or the overlays' (WCAG 2.4.7 and 2.4.13; figures in docs/accessibility.md).
Rectangle {
    id: ring
    objectName: "focusRing"
    property real targetRadius: 0
    readonly property color outerColour: Theme.text
    readonly property color innerColour: Theme.background
    readonly property int lineWidth: 4
    anchors.fill: parent
    anchors.margins: -2 * ring.lineWidth
    radius: ring.targetRadius + 2 * ring.lineWidth
    color: "transparent"
    border.width: ring.lineWidth
    border.color: ring.outerColour
    Rectangle {
        anchors.fill: parent
        anchors.margins: ring.lineWidth
        radius: ring.targetRadius + ring.lineWidth
        color: "transparent"
        border.width: ring.lineWidth
        border.color: ring.innerColour
    }
}
